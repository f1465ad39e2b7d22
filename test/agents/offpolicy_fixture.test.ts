// TD3's, DDPG's and SAC's losses and gradients against JAX (test/fixtures/offpolicy.json, made
// by tools/fixtures_offpolicy.py): the same params, batch and noise give the same numbers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { valueAndGrad, type Value } from "../../src/index.js";
import { flatten } from "../../src/pytree/index.js";
import { Box } from "../../src/envs/spaces.js";
import { DDPGAgent } from "../../src/agents/ddpg/agent.js";
import { ddpgActorLoss, ddpgCriticLoss, targetActions } from "../../src/agents/ddpg/loss.js";
import { SACAgent } from "../../src/agents/sac/agent.js";
import { sacActorLoss, sacAlphaLoss, sacCriticLoss } from "../../src/agents/sac/loss.js";
import { numpy as np } from "../../src/numpy/index.js";
import type { MLPParams } from "../../src/nn/index.js";
import { decode, expectClose } from "./fixture_helpers.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/offpolicy.json", import.meta.url), "utf8"));

function expectTreeClose(got: unknown, want: unknown, what: string) {
  const [gl] = flatten(got);
  const [wl] = flatten(want);
  expect(gl.length, what).toBe(wl.length);
  gl.forEach((g, i) => expectClose(g as Value, wl[i] as Value, 1e-4, 2e-6, `${what}[${i}]`));
}

const batch = decode(fx.batch);
const eps = decode(fx.eps);
const eps2 = decode(fx.eps2);
const obsSpace = new Box(-10, 10, [3]);
const actionSpace = new Box(-2, 2, [2]);

describe("TD3 / DDPG losses vs JAX", () => {
  for (const name of ["td3", "ddpg"]) {
    it(`${name}: smoothed target actions, TD target, critic and actor losses and gradients`, () => {
      const c = fx.cases[name];
      const agent = new DDPGAgent({ hiddenSizes: [8, 8], twinQ: c.nQ === 2, ...c.hyper }, obsSpace, actionSpace);
      const params = decode(c.params);
      const target = decode(c.target);
      const noise = c.hyper.targetNoise === 0 ? null : eps;
      expectClose(targetActions(agent.nets, target.actor, batch.nextX, noise, c.hyper), decode(c.targetActions), 1e-5, 1e-6, "targetActions");
      const [[loss, aux], g] = valueAndGrad((p: MLPParams) => ddpgCriticLoss(agent.nets, p, target, batch, noise, c.hyper), { hasAux: true })(params.critic) as [[Value, Record<string, Value>], unknown];
      expectClose(loss, decode(c.criticLoss), 2e-5, 2e-6, "criticLoss");
      expectClose(aux.targetMean!, np.mean(decode(c.tdTarget)), 2e-5, 2e-6, "targetMean");
      expectTreeClose(g, decode(c.criticGrad), "criticGrad");
      const [al, ga] = valueAndGrad((p: MLPParams) => ddpgActorLoss(agent.nets, p, params.critic, batch.x))(params.actor) as [Value, unknown];
      expectClose(al, decode(c.actorLoss), 2e-5, 2e-6, "actorLoss");
      expectTreeClose(ga, decode(c.actorGrad), "actorGrad");
    });
  }
});

describe("SAC losses vs JAX", () => {
  it("critic, actor and α losses and their gradients", () => {
    const c = fx.cases.sac;
    const agent = new SACAgent({ hiddenSizes: [8, 8] }, obsSpace, actionSpace);
    const params = decode(c.params);
    const [cl, gc] = valueAndGrad((p: MLPParams) => sacCriticLoss(agent.nets, p, params.actor, decode(c.targetCritic), batch, c.alpha, eps2)[0])(params.critic) as [Value, unknown];
    expectClose(cl, decode(c.criticLoss), 2e-5, 2e-6, "criticLoss");
    expectTreeClose(gc, decode(c.criticGrad), "criticGrad");
    const [[al, logp], ga] = valueAndGrad((p: MLPParams) => sacActorLoss(agent.nets, p, params.critic, batch.x, c.alpha, eps), { hasAux: true })(params.actor) as [[Value, Value], unknown];
    expectClose(al, decode(c.actorLoss), 2e-5, 2e-6, "actorLoss");
    expectClose(logp, decode(c.logProb), 2e-5, 2e-5, "logProb");
    expectTreeClose(ga, decode(c.actorGrad), "actorGrad");
    const [ll, gl] = valueAndGrad((la: Value) => sacAlphaLoss(la, logp, c.targetEntropy))(np.log(np.array(c.alpha, "float32"))) as [Value, Value];
    expectClose(ll, decode(c.alphaLoss), 2e-5, 2e-6, "alphaLoss");
    expectClose(gl, decode(c.alphaGrad), 2e-5, 2e-6, "alphaGrad");
  });
});
