"""MultiRoom (src/envs/maze/multiroom.ts) in JAX, as envs.make("MultiRoom-Stacked-v0") steps it
in a rollout: TimeLimit and auto-reset included. The layout is not generated here: it comes
from bench/multiroom_layout.ts (JSON: tiles, start, startRoom, room geometry, frame settings).
Same moves (0 up, 1 right, 2 down, 3 left), walls, locked doors opened by a held key (which is
spent), keys picked up, +1 and termination on the goal; the observation is the current room's
window drawn with the same sprites and per-room shades, held keys as corner icons, the last
`frameStack` frames stacked (uint8 [stack, P, P]).

  python tools/multiroom_jax.py LAYOUT.json [LAYOUT.json ...] --fixture OUT.json [--steps 200]

writes per layout a random-action trajectory (actions, per-step obs checksums, rewards, dones, positions)
that test/envs/multiroom_jax.test.ts replays against xla-ts's env."""
import argparse
import json
import math

import numpy as np
import jax
import jax.numpy as jnp

FLOOR, WALL, DOOR, LOCKED, KEY, GOAL, AGENT, ICON = range(8)
DY = jnp.array([-1, 0, 1, 0], jnp.int32)
DX = jnp.array([0, 1, 0, -1], jnp.int32)


# Sprites, as multiroom.ts: functions of (u, v) in [0, 1)^2 within a tile (JS rounding and %).
def _round(x):
    return math.floor(x + 0.5)


def _key(u, v):
    return (abs(math.hypot(u - 0.3, v - 0.5) - 0.14) < 0.07 or (0.44 < v < 0.56 and 0.4 < u < 0.85)
            or (0.62 < u < 0.7 and 0.5 < v < 0.72) or (0.76 < u < 0.84 and 0.5 < v < 0.72))


def _pixel(t, u, v, wall, mortar, icon_bg):
    if t == WALL:
        return mortar if math.fmod(v, 0.5) < 0.1 or math.fmod(u + math.floor(v * 2) * 0.5, 1) < 0.08 else wall
    if t == DOOR:
        return 96 if u < 0.12 or u > 0.88 or v < 0.12 or v > 0.88 else 24
    if t == LOCKED:
        return 20 if math.hypot(u - 0.5, v - 0.4) < 0.12 or (abs(u - 0.5) < 0.05 and 0.4 < v < 0.7) else 200
    if t == KEY:
        return 230 if _key(u, v) else 0
    if t == GOAL:
        return 255 if (math.floor(u * 4) + math.floor(v * 4)) % 2 == 0 else 140
    if t == AGENT:
        return 255 if math.hypot(u - 0.5, v - 0.5) < 0.38 else 0
    if t == ICON:
        return 230 if _key(u, v) else icon_bg
    return 0


def sprite_sheet(rooms, q):
    """uint8 [rooms * 8, q, q]: each room's 8 sprites (walls shaded by room)."""
    out = np.zeros((rooms, 8, q, q), np.uint8)
    for r in range(rooms):
        wall = _round(70 + 110 * r / max(1, rooms - 1))
        for t in range(8):
            for qy in range(q):
                for qx in range(q):
                    out[r, t, qy, qx] = _pixel(t, (qx + 0.5) / q, (qy + 0.5) / q, wall, _round(wall * 0.6), _round(wall * 0.4))
    return jnp.asarray(out.reshape(rooms * 8, q, q))


class MultiRoom:
    def __init__(self, layout):
        o = layout["opts"]
        self.rooms_x, self.n_rooms = o["roomsX"], o["roomsY"] * o["roomsX"]
        self.p, self.view = o["roomSize"] + 1, o["roomSize"] + 2
        self.size, self.stack, self.max_steps = layout["obsSize"], layout["frameStack"], layout["maxSteps"]
        assert self.size % self.view == 0, "only frames that are a multiple of the room window"
        self.q = self.size // self.view
        self.sheet = sprite_sheet(self.n_rooms, self.q)
        tiles = jnp.asarray(layout["tiles"], jnp.int32)
        room = jnp.int32(layout["startRoom"])
        s = {"pos": jnp.asarray(layout["start"], jnp.int32), "tiles": tiles, "keys": jnp.int32(0), "room": room,
             "visited": jnp.arange(self.n_rooms) == room, "t": jnp.int32(0)}
        s["frames"] = jnp.broadcast_to(self.frame(s), (self.stack, self.size, self.size))
        self.start = s

    def frame(self, s):
        """uint8 [P, P]: the current room's window, agent and held keys drawn in."""
        V, Q = self.view, self.q
        oy, ox = (s["room"] // self.rooms_x) * self.p, (s["room"] % self.rooms_x) * self.p
        v = jax.lax.dynamic_slice(s["tiles"], (oy, ox), (V, V))
        ys, xs = jnp.arange(V)[:, None], jnp.arange(V)[None, :]
        v = jnp.where((ys == s["pos"][0] - oy) & (xs == s["pos"][1] - ox), AGENT, v)
        for k, (cy, cx) in enumerate([(0, 0), (0, V - 1), (V - 1, 0), (V - 1, V - 1)]):
            v = jnp.where((ys == cy) & (xs == cx) & (s["keys"] > k), ICON, v)
        sprites = jnp.take(self.sheet, v + s["room"] * 8, 0, mode="clip")  # [V, V, Q, Q]
        return sprites.transpose(0, 2, 1, 3).reshape(V * Q, V * Q)

    def reset(self, key=None, params=None):
        return self.start["frames"], self.start

    def step(self, key, s, action, params=None):
        """gymnax-style: obs, state, reward, terminated, truncated, info (auto-resetting)."""
        a = jnp.clip(action.astype(jnp.int32), 0, 3)
        ty, tx = s["pos"][0] + DY[a], s["pos"][1] + DX[a]
        t = s["tiles"][ty, tx]
        has_key = s["keys"] > 0
        blocked = (t == WALL) | ((t == LOCKED) & ~has_key)
        opens = (t == LOCKED) & has_key
        pickup = ~blocked & (t == KEY)
        goal = ~blocked & (t == GOAL)
        pos = jnp.where(blocked, s["pos"], jnp.stack([ty, tx]))
        tiles = s["tiles"].at[ty, tx].set(jnp.where(opens, DOOR, jnp.where(pickup, FLOOR, t)))
        py, px = pos[0], pos[1]
        interior = (py % self.p != 0) & (px % self.p != 0)
        room = jnp.where(interior, (py // self.p) * self.rooms_x + px // self.p, s["room"])
        n = {"pos": pos, "tiles": tiles, "keys": s["keys"] + pickup.astype(jnp.int32) - opens.astype(jnp.int32),
             "room": room, "visited": s["visited"] | (jnp.arange(self.n_rooms) == room), "t": s["t"] + 1}
        n["frames"] = jnp.concatenate([s["frames"][1:], self.frame(n)[None]], 0)
        trunc = n["t"] >= self.max_steps
        done = goal | trunc
        n = jax.tree_util.tree_map(lambda f, x: jnp.where(done, f, x), self.start, n)
        return n["frames"], n, goal.astype(jnp.float32), goal, trunc, {"room": room}


def checksum(obs):
    """Two sums over the uint8 obs: plain and position-weighted (exact in float64 / JS numbers)."""
    x = np.asarray(obs, np.int64).reshape(-1)
    return [int(x.sum()), int((x * (np.arange(x.size) % 65521 + 1)).sum())]


def fixture(layout, steps, seed):
    env = MultiRoom(layout)
    rng = np.random.default_rng(seed)
    actions = rng.integers(0, 4, steps).tolist()
    step = jax.jit(env.step)
    obs, s = env.reset()
    out = {"layout": layout, "actions": actions, "reset": checksum(obs), "steps": []}
    for a in actions:
        obs, s, r, term, trunc, _ = step(None, s, jnp.int32(a))
        out["steps"].append({"obs": checksum(obs), "reward": float(r), "terminated": bool(term), "truncated": bool(trunc),
                             "pos": np.asarray(s["pos"]).tolist(), "keys": int(s["keys"]), "room": int(s["room"])})
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("layouts", nargs="+")
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    runs = []
    for i, path in enumerate(a.layouts):
        with open(path) as f:
            runs.append(fixture(json.load(f), a.steps, a.seed + i))
    with open(a.fixture, "w") as f:
        json.dump({"script": "tools/multiroom_jax.py", "jax_version": jax.__version__, "trajectories": runs}, f, separators=(",", ":"))
