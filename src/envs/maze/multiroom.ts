// MultiRoom: a Montezuma-like hard-exploration maze that runs inside XLA. Rooms joined by
// doors, keys that open locked doors (a key is spent on the door it opens), and one sparse
// reward: +1 on reaching the goal, which ends the episode. The agent moves in 4 directions
// (0 up, 1 right, 2 down, 3 left). Like Montezuma's screens, the observation shows only the
// current room (its interior and surrounding walls, each room with its own wall shade, the keys
// held as icons in the corners), as grayscale frames [stack, size, size] (uint8, or float32 in
// [0, 1]). `info.room` is the current room id and `info.roomsVisited` the number of rooms seen
// this episode, so exploration can be measured. The layout comes from a seed on the host;
// it lives in the params (`layoutParams(seed)` makes another), so it is fixed per params.
// The episode limit is a TimeLimit that envs.make applies (1,000 steps by default).
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import { colorize, upscale, type Color } from "../render.js";
import { i32, intOption } from "../bsuite/common.js";
import { TILE, generateLayout, type Layout, type LayoutOptions } from "./layout.js";

export interface MultiRoomOptions extends Partial<LayoutOptions> {
  /** Side of the square observation frame in pixels (default 64). */
  obsSize?: number;
  /** Frames stacked along the leading axis (default 1; 4 with obsSize 96 is the Atari-like setting). */
  frameStack?: number;
  /** "uint8" (default, 0..255) or "float32" (0..1). */
  obsDtype?: "uint8" | "float32";
}

export interface MultiRoomParams {
  /** int32 [H, W] tile grid at the start of an episode (TILE codes). */
  tiles: Value;
  /** Start cell [y, x] (int32 [2]) and its room. */
  start: Value;
  startRoom: Value;
  /** uint8 [P, P]: the first frame of an episode (drawn on the host, so resets cost no drawing). */
  startFrame: Value;
}

export interface MultiRoomState {
  /** int32 [2]: [y, x]. */
  pos: Value;
  /** int32 [H, W]: doors open and keys taken change it. */
  tiles: Value;
  keys: Value;
  room: Value;
  /** bool [rooms]. */
  visited: Value;
  time: Value;
  /** The last `frameStack` frames (only with frameStack > 1). */
  frames?: Value;
}

const AGENT = 6;
const ICON = 7;
const N_SPRITES = 8;
// Moves: up, right, down, left.
const DY = [-1, 0, 1, 0];
const DX = [0, 1, 0, -1];

// Sprites, as functions of (u, v) in [0, 1)² (u across, v down) within a tile.
const dist = (u: number, v: number, cx: number, cy: number) => Math.hypot(u - cx, v - cy);
/** A key: a ring bow, a shaft and two teeth. */
const keyShape = (u: number, v: number) =>
  Math.abs(dist(u, v, 0.3, 0.5) - 0.14) < 0.07 || (v > 0.44 && v < 0.56 && u > 0.4 && u < 0.85) || (u > 0.62 && u < 0.7 && v > 0.5 && v < 0.72) || (u > 0.76 && u < 0.84 && v > 0.5 && v < 0.72);
/** Brick wall mortar: lines every half tile, staggered. */
const mortar = (u: number, v: number) => v % 0.5 < 0.1 || (u + Math.floor(v * 2) * 0.5) % 1 < 0.08;

/** Shades that depend on the room (its walls), so rooms look different. */
function roomShades(room: number, rooms: number): { wall: number; mortar: number; iconBg: number } {
  const wall = Math.round(70 + (110 * room) / Math.max(1, rooms - 1));
  return { wall, mortar: Math.round(wall * 0.6), iconBg: Math.round(wall * 0.4) };
}

/** Grayscale value of a tile's sprite at (u, v) in a room with the given shades. */
function spritePixel(tile: number, u: number, v: number, sh: ReturnType<typeof roomShades>): number {
  switch (tile) {
    case TILE.WALL:
      return mortar(u, v) ? sh.mortar : sh.wall;
    case TILE.DOOR:
      return u < 0.12 || u > 0.88 || v < 0.12 || v > 0.88 ? 96 : 24;
    case TILE.LOCKED:
      return dist(u, v, 0.5, 0.4) < 0.12 || (Math.abs(u - 0.5) < 0.05 && v > 0.4 && v < 0.7) ? 20 : 200;
    case TILE.KEY:
      return keyShape(u, v) ? 230 : 0;
    case TILE.GOAL:
      return (Math.floor(u * 4) + Math.floor(v * 4)) % 2 === 0 ? 255 : 140;
    case AGENT:
      return dist(u, v, 0.5, 0.5) < 0.38 ? 255 : 0;
    case ICON:
      return keyShape(u, v) ? 230 : sh.iconBg;
    default: // floor
      return 0;
  }
}

/** RGB colours of the rendered map (tile code -> colour). */
const MAP_COLORS: Color[] = [
  [20, 20, 28], // floor
  [90, 90, 110], // wall
  [150, 110, 60], // open door
  [200, 60, 40], // locked door
  [250, 210, 40], // key
  [60, 200, 90], // goal
  [80, 170, 250], // agent
];

export class MultiRoom implements Environment<MultiRoomState, MultiRoomParams> {
  readonly id: string;
  readonly layout: Layout;
  readonly obsSize: number;
  readonly frameStack: number;
  readonly obsDtype: "uint8" | "float32";
  readonly nRooms: number;
  readonly defaultParams: MultiRoomParams;
  /** Side of the observed window in tiles (a room and its walls). */
  readonly view: number;
  // Host-built constants of the observation: the sprite table [room, tile kind, Q, Q] and
  // per-pixel lookups (tile and sub-position) for sizes that are not a multiple of the view.
  private readonly spriteTable: Uint8Array;
  private readonly sub: number;
  private readonly pixTile: Int32Array;
  private readonly pixSub: Int32Array;
  private readonly subIdx: Int32Array;

  constructor(opts: MultiRoomOptions = {}, id = "MultiRoom-v0") {
    this.id = id;
    const lo: LayoutOptions = {
      roomsY: intOption("MultiRoom", "roomsY", opts.roomsY ?? 3, 1, 16),
      roomsX: intOption("MultiRoom", "roomsX", opts.roomsX ?? 3, 1, 16),
      roomSize: intOption("MultiRoom", "roomSize", opts.roomSize ?? 6, 2, 32),
      lockedDoors: intOption("MultiRoom", "lockedDoors", opts.lockedDoors ?? 2, 0, 64),
      seed: intOption("MultiRoom", "seed", opts.seed ?? 0, 0),
    };
    if (lo.roomsY * lo.roomsX < 2) throw new RangeError("MultiRoom: needs at least 2 rooms (roomsY × roomsX ≥ 2)");
    this.layout = generateLayout(lo);
    this.nRooms = lo.roomsY * lo.roomsX;
    this.view = lo.roomSize + 2;
    this.obsSize = intOption("MultiRoom", "obsSize", opts.obsSize ?? 64, this.view, 512);
    this.frameStack = intOption("MultiRoom", "frameStack", opts.frameStack ?? 1, 1, 16);
    this.obsDtype = opts.obsDtype ?? "uint8";
    if (this.obsDtype !== "uint8" && this.obsDtype !== "float32") throw new TypeError(`MultiRoom: obsDtype must be "uint8" or "float32", got ${String(opts.obsDtype)}`);

    // Pixel p of the frame shows tile floor(p·V / P), at sub-position floor(frac·Q) of its sprite.
    const P = this.obsSize;
    const V = this.view;
    const Q = Math.ceil(P / V);
    this.sub = Q;
    this.pixTile = Int32Array.from({ length: P }, (_, p) => Math.floor((p * V) / P));
    this.pixSub = Int32Array.from({ length: P }, (_, p) => Math.min(Q - 1, Math.floor((((p * V) / P) % 1) * Q + 1e-9)));
    this.subIdx = new Int32Array(P * P);
    for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) this.subIdx[y * P + x] = this.pixSub[y]! * Q + this.pixSub[x]!;
    const R = this.nRooms;
    this.spriteTable = new Uint8Array(R * N_SPRITES * Q * Q);
    for (let r = 0; r < R; r++) {
      const sh = roomShades(r, R);
      for (let t = 0; t < N_SPRITES; t++)
        for (let qy = 0; qy < Q; qy++)
          for (let qx = 0; qx < Q; qx++)
            this.spriteTable[((r * N_SPRITES + t) * Q + qy) * Q + qx] = spritePixel(t, (qx + 0.5) / Q, (qy + 0.5) / Q, sh);
    }
    this.defaultParams = this.layoutParams(this.layout);
  }

  /** Params for another layout (same room grid and sizes, another seed), or for a given Layout. */
  layoutParams(seedOrLayout: number | Layout): MultiRoomParams {
    const l = typeof seedOrLayout === "number" ? generateLayout({ ...this.layout.opts, seed: seedOrLayout }) : seedOrLayout;
    return {
      tiles: np.array(l.tiles, "int32"),
      start: np.array(l.start, "int32"),
      startRoom: i32(l.startRoom),
      startFrame: np.array(this.hostStartFrame(l)).reshape([this.obsSize, this.obsSize]),
    };
  }

  /** The first frame of an episode on `l`, drawn in JS with the sprite table (as frameByTable does). */
  private hostStartFrame(l: Layout): Uint8Array {
    const P = this.obsSize;
    const p = l.opts.roomSize + 1;
    const [oy, ox] = [Math.floor(l.startRoom / l.opts.roomsX) * p, (l.startRoom % l.opts.roomsX) * p];
    const out = new Uint8Array(P * P);
    for (let y = 0; y < P; y++)
      for (let x = 0; x < P; x++) {
        const [ty, tx] = [oy + this.pixTile[y]!, ox + this.pixTile[x]!];
        const tile = ty === l.start[0] && tx === l.start[1] ? AGENT : l.tiles[ty]![tx]!;
        out[y * P + x] = this.spriteTable[(l.startRoom * N_SPRITES + tile) * this.sub * this.sub + this.subIdx[y * P + x]!]!;
      }
    return out;
  }

  observationSpace(): Box {
    const shape = [this.frameStack, this.obsSize, this.obsSize];
    return this.obsDtype === "uint8" ? new Box(0, 255, shape, "uint8") : new Box(0, 1, shape, "float32");
  }

  actionSpace(): Discrete {
    return new Discrete(4);
  }

  reset(_key: Value, params: MultiRoomParams = this.defaultParams): ResetResult<MultiRoomState> {
    const rooms = np.arange(this.nRooms, null, 1, "int32");
    const state: MultiRoomState = {
      pos: params.start,
      tiles: params.tiles,
      keys: i32(0),
      room: params.startRoom,
      visited: np.equal(rooms, params.startRoom),
      time: i32(0),
    };
    const frame = params.startFrame;
    if (this.frameStack > 1) state.frames = np.broadcastTo(frame.reshape([1, ...frame.shape]), [this.frameStack, ...frame.shape]);
    return { obs: this.stackObs(state, frame), state };
  }

  // The params are only read by reset: the state carries the tiles.
  step(_key: Value, s: MultiRoomState, action: Value, _params?: MultiRoomParams): StepResult<MultiRoomState> {
    const { height: H, width: W, opts } = this.layout;
    const a = np.clip(np.astype(action, "int32"), 0, 3);
    const target = s.pos.add(np.stack([np.take(np.array(DY, "int32"), a, 0), np.take(np.array(DX, "int32"), a, 0)]));
    const [ty, tx] = [target.get(0), target.get(1)];
    const t = s.tiles.get(ty, tx);
    const locked = t.eq(TILE.LOCKED);
    const hasKey = s.keys.gt(0);
    const blocked = np.logicalOr(t.eq(TILE.WALL), np.logicalAnd(locked, np.logicalNot(hasKey)));
    const opens = np.logicalAnd(locked, hasKey);
    const pickup = np.logicalAnd(np.logicalNot(blocked), t.eq(TILE.KEY));
    const goal = np.logicalAnd(np.logicalNot(blocked), t.eq(TILE.GOAL));
    const pos = np.where(blocked, s.pos, target);

    // The target cell becomes an open door / floor (one compare over the grid vmaps well).
    const ys = np.arange(H, null, 1, "int32").reshape([H, 1]);
    const xs = np.arange(W, null, 1, "int32").reshape([1, W]);
    const cell = np.logicalAnd(ys.eq(ty), xs.eq(tx));
    const newTile = np.where(opens, TILE.DOOR, TILE.FLOOR);
    const tiles = np.where(np.logicalAnd(cell, np.logicalOr(opens, pickup)), newTile, s.tiles).astype("int32");

    // The room changes only on an interior cell (a door cell keeps the room it was entered from).
    const p = opts.roomSize + 1;
    const [py, px] = [pos.get(0), pos.get(1)];
    const interior = np.logicalAnd(np.remainder(py, p).ne(0), np.remainder(px, p).ne(0));
    const room = np.where(interior, np.floorDivide(py, p).mul(opts.roomsX).add(np.floorDivide(px, p)), s.room).astype("int32");
    const visited = np.logicalOr(s.visited, np.equal(np.arange(this.nRooms, null, 1, "int32"), room));
    const time = s.time.add(1);
    const state: MultiRoomState = {
      pos,
      tiles,
      keys: s.keys.add(pickup.astype("int32")).sub(opens.astype("int32")),
      room,
      visited,
      time,
    };
    const frame = this.frame(state);
    if (this.frameStack > 1) state.frames = np.concatenate([s.frames!.get("1:"), frame.reshape([1, ...frame.shape])], 0);
    return {
      obs: this.stackObs(state, frame),
      state,
      reward: goal.astype("float32"),
      terminated: goal,
      truncated: np.asArray(false),
      info: { room, keys: state.keys, roomsVisited: np.sum(visited.astype("int32")) },
    };
  }

  private stackObs(s: MultiRoomState, frame: Value): Value {
    const stacked = this.frameStack > 1 ? s.frames! : frame.reshape([1, ...frame.shape]);
    return this.obsDtype === "uint8" ? stacked : stacked.astype("float32").div(255);
  }

  /** The tiles of the current room's window (int32 [V, V]) with the agent and the held keys drawn in. */
  viewTiles(s: MultiRoomState): Value {
    const { opts } = this.layout;
    const V = this.view;
    const p = opts.roomSize + 1;
    const oy = np.floorDivide(s.room, opts.roomsX).mul(p);
    const ox = np.remainder(s.room, opts.roomsX).mul(p);
    let v = lax.dynamicSlice(s.tiles, [oy, ox], [V, V]);
    const ys = np.arange(V, null, 1, "int32").reshape([V, 1]);
    const xs = np.arange(V, null, 1, "int32").reshape([1, V]);
    v = np.where(np.logicalAnd(ys.eq(s.pos.get(0).sub(oy)), xs.eq(s.pos.get(1).sub(ox))), AGENT, v);
    // Up to four held keys, one per corner (corners are always wall).
    const corners = [[0, 0], [0, V - 1], [V - 1, 0], [V - 1, V - 1]] as const;
    corners.forEach(([cy, cx], k) => {
      v = np.where(np.logicalAnd(np.logicalAnd(ys.eq(cy), xs.eq(cx)), s.keys.gt(k)), ICON, v);
    });
    return v.astype("int32");
  }

  /** One grayscale frame, uint8 [P, P]. */
  frame(s: MultiRoomState): Value {
    const P = this.obsSize;
    const V = this.view;
    const Q = this.sub;
    if (P % V !== 0) return this.frameByTable(s);
    const v = this.viewTiles(s);
    // Even tiles: each tile's whole Q×Q sprite in one slice-gather from the table, then
    // [V, V, Q, Q] -> [V, Q, V, Q] -> [P, P] (contiguous copies, far cheaper than per pixel).
    const sheet = np.array(this.spriteTable).reshape([this.nRooms * N_SPRITES, Q, Q]);
    const tiles = np.take(sheet, v.add(s.room.mul(N_SPRITES)), 0, "clip");
    return tiles.transpose([0, 2, 1, 3]).reshape([P, P]);
  }

  /** The same frame by per-pixel lookups into the sprite table (any size; a gather, slower on XLA:CPU). */
  frameByTable(s: MultiRoomState): Value {
    const P = this.obsSize;
    const Q = this.sub;
    const v = this.viewTiles(s);
    const big = v.get(np.array(this.pixTile).reshape([P, 1]), np.array(this.pixTile).reshape([1, P]));
    const idx = big.add(s.room.mul(N_SPRITES)).mul(Q * Q).add(np.array(this.subIdx).reshape([P, P]));
    return np.take(np.array(this.spriteTable), idx, 0);
  }

  /** uint8 [8·H, 8·W, 3]: the whole maze from above (the agent in blue). */
  render(s: MultiRoomState): Value {
    const { height: H, width: W } = this.layout;
    const ys = np.arange(H, null, 1, "int32").reshape([H, 1]);
    const xs = np.arange(W, null, 1, "int32").reshape([1, W]);
    const idx = np.where(np.logicalAnd(ys.eq(s.pos.get(0)), xs.eq(s.pos.get(1))), AGENT, s.tiles);
    return colorize(upscale(idx, 8), MAP_COLORS);
  }
}
