// The classic-control environments, registered with gymnasium's ids and step limits.
import { register } from "../registry.js";
import { CartPole } from "./cartpole.js";
import { Acrobot } from "./acrobot.js";
import { MountainCar, MountainCarContinuous } from "./mountain_car.js";
import { Pendulum } from "./pendulum.js";

export { CartPole, type CartPoleState, type CartPoleParams } from "./cartpole.js";
export { Acrobot, type AcrobotState, type AcrobotParams } from "./acrobot.js";
export { MountainCar, MountainCarContinuous, type MountainCarState, type MountainCarParams, type MountainCarContinuousParams } from "./mountain_car.js";
export { Pendulum, type PendulumState, type PendulumParams } from "./pendulum.js";
export type { ClassicOptions, FloatDType } from "./common.js";

register("CartPole-v1", (o) => new CartPole(o), { maxEpisodeSteps: 500, description: "balance a pole on a cart (gymnasium)" });
register("Acrobot-v1", (o) => new Acrobot(o), { maxEpisodeSteps: 500, description: "swing a two-link arm up (gymnasium)" });
register("MountainCar-v0", (o) => new MountainCar(o), { maxEpisodeSteps: 200, description: "drive an underpowered car up a hill (gymnasium)" });
register("MountainCarContinuous-v0", (o) => new MountainCarContinuous(o), {
  maxEpisodeSteps: 999,
  description: "mountain car with a continuous throttle (gymnasium)",
});
register("Pendulum-v1", (o) => new Pendulum(o), { maxEpisodeSteps: 200, description: "swing up and hold a pendulum (gymnasium)" });
