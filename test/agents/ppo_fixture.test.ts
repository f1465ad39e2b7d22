// PPO's loss, its gradient and GAE against JAX (test/fixtures/ppo.json, made by
// tools/fixtures_ppo.py): the same params, batch and key give the same numbers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { valueAndGrad, type Value } from "../../src/index.js";
import { flatten } from "../../src/pytree/index.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { PPOAgent } from "../../src/agents/ppo/agent.js";
import { gae } from "../../src/agents/common/gae.js";
import { numpy as np } from "../../src/numpy/index.js";
import { decode, expectClose } from "./fixture_helpers.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/ppo.json", import.meta.url), "utf8"));


function agentFor(c: any): PPOAgent {
  const obsDim = c.batch.obs.shape[1];
  const obsSpace = new Box(-10, 10, [obsDim]);
  const opts = { ...c.hyper, hiddenSizes: [8, 8], sharedTorso: c.sharedTorso };
  if (c.kind === "discrete") return new PPOAgent(opts, obsSpace, new Discrete(2));
  const dim = c.batch.actions.shape[1];
  return new PPOAgent({ ...opts, squash: c.kind === "tanh" }, obsSpace, new Box(-1, 1, [dim]));
}

describe("PPO loss vs JAX", () => {
  for (const c of fx.loss) {
    it(`${c.name}: loss terms and gradients`, () => {
      const agent = agentFor(c);
      const params = decode(c.params);
      const batch = decode(c.batch);
      const key = decode(c.key);
      const f = (p: unknown) => {
        const l = agent.loss({ params: p as any, obsNorm: null, extra: null }, batch, key);
        return [l.total, l];
      };
      const [[, terms], grads] = valueAndGrad(f, { hasAux: true })(params) as [[Value, Record<string, Value>], unknown];
      const want = decode(c.terms);
      for (const k of Object.keys(want)) expectClose(terms[k]!, want[k], 2e-5, 2e-6, `${c.name}.${k}`);
      const [gl] = flatten(grads);
      const [wl] = flatten(decode(c.grads));
      expect(gl.length).toBe(wl.length);
      gl.forEach((g, i) => expectClose(g as Value, wl[i] as Value, 1e-4, 2e-6, `${c.name}.grad[${i}]`));
    });
  }
});

describe("GAE vs JAX", () => {
  for (const c of fx.gae) {
    it(c.name, () => {
      const x = decode(c.inputs);
      const out = gae({
        rewards: x.rewards,
        values: x.values,
        nextValues: x.nextValues,
        terminated: x.terminated,
        done: np.logicalOr(x.terminated, x.truncated),
        gamma: c.gamma,
        lambda: c.lambda,
      });
      expectClose(out.advantages, decode(c.advantages), 1e-5, 1e-6, `${c.name}.advantages`);
      expectClose(out.targets, decode(c.targets), 1e-5, 1e-6, `${c.name}.targets`);
    });
  }
});
