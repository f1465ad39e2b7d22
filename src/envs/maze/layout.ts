// The multi-room maze's layout, generated once on the host from a seed (plain JS, not traced):
// a grid of square rooms separated by one-tile walls, joined by doors along a random spanning
// tree of the rooms; some doors on the path from the start room to the goal room are locked,
// and for each a key lies somewhere reachable before it. Because every locked door is on that
// one path, keys can only be spent on the door in front of the agent: every layout is solvable.

/** Tile codes of the maze grid (the agent and HUD icons are drawn over them, never stored). */
export const TILE = { FLOOR: 0, WALL: 1, DOOR: 2, LOCKED: 3, KEY: 4, GOAL: 5 } as const;

export interface LayoutOptions {
  /** Rooms per column and per row of the room grid. */
  roomsY: number;
  roomsX: number;
  /** Interior side of a room, in tiles. */
  roomSize: number;
  /** Locked doors (each with one key); capped by the length of the path to the goal. */
  lockedDoors: number;
  seed: number;
}

export interface Layout {
  opts: LayoutOptions;
  /** Tile grid [height][width] (TILE codes). */
  tiles: number[][];
  height: number;
  width: number;
  /** Agent start cell [y, x] and its room. */
  start: [number, number];
  startRoom: number;
  goal: [number, number];
  goalRoom: number;
  /** Door cells (open and locked) with the two rooms each joins. */
  doors: { cell: [number, number]; rooms: [number, number]; locked: boolean }[];
  /** Key cells, in the order the locked doors on the path need them. */
  keys: [number, number][];
  /** Rooms from the start room to the goal room. */
  path: number[];
}

/** mulberry32: a tiny seeded PRNG, so a seed gives the same layout everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The room of an interior cell, or -1 on a wall / door row or column. */
export function roomOfCell(o: Pick<LayoutOptions, "roomSize" | "roomsX">, y: number, x: number): number {
  const p = o.roomSize + 1;
  if (y % p === 0 || x % p === 0) return -1;
  return Math.floor(y / p) * o.roomsX + Math.floor(x / p);
}

export function generateLayout(opts: LayoutOptions): Layout {
  const { roomsY, roomsX, roomSize: s } = opts;
  const rand = rng(opts.seed * 2654435761 + 12345);
  const int = (n: number) => Math.floor(rand() * n);
  const p = s + 1;
  const height = roomsY * p + 1;
  const width = roomsX * p + 1;
  const tiles: number[][] = Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x): number => (y % p === 0 || x % p === 0 ? TILE.WALL : TILE.FLOOR)),
  );
  const n = roomsY * roomsX;
  const ry = (r: number) => Math.floor(r / roomsX);
  const rx = (r: number) => r % roomsX;
  const neighbours = (r: number) =>
    [
      [ry(r) - 1, rx(r)],
      [ry(r) + 1, rx(r)],
      [ry(r), rx(r) - 1],
      [ry(r), rx(r) + 1],
    ]
      .filter(([y, x]) => y! >= 0 && y! < roomsY && x! >= 0 && x! < roomsX)
      .map(([y, x]) => y! * roomsX + x!);

  // A random spanning tree (depth-first, random order) from a random start room.
  const startRoom = int(n);
  const parent = new Array<number>(n).fill(-2);
  parent[startRoom] = -1;
  const stack = [startRoom];
  const edges: [number, number][] = [];
  while (stack.length) {
    const r = stack[stack.length - 1]!;
    const open = neighbours(r).filter((q) => parent[q] === -2);
    if (!open.length) {
      stack.pop();
      continue;
    }
    const q = open[int(open.length)]!;
    parent[q] = r;
    edges.push([r, q]);
    stack.push(q);
  }
  // The goal room: the deepest in the tree (ties broken by the draw order).
  const depth = new Array<number>(n).fill(0);
  for (const [a, b] of edges) depth[b] = depth[a]! + 1;
  const goalRoom = depth.indexOf(Math.max(...depth));
  const path: number[] = [];
  for (let r = goalRoom; r !== -1; r = parent[r]!) path.unshift(r);

  // Doors: one cell of the shared wall, away from the corners.
  const doorOf = new Map<string, [number, number]>();
  const doors: Layout["doors"] = [];
  for (const [a, b] of edges) {
    const off = 1 + int(s);
    let cell: [number, number];
    if (ry(a) === ry(b)) cell = [ry(a) * p + off, Math.max(rx(a), rx(b)) * p];
    else cell = [Math.max(ry(a), ry(b)) * p, rx(a) * p + off];
    tiles[cell[0]]![cell[1]] = TILE.DOOR;
    doorOf.set(`${Math.min(a, b)},${Math.max(a, b)}`, cell);
    doors.push({ cell, rooms: [a, b], locked: false });
  }
  // Locked doors: distinct edges of the path, kept in path order.
  const pathEdges = path.slice(1).map((r, i) => [path[i]!, r] as [number, number]);
  const nLocked = Math.min(opts.lockedDoors, pathEdges.length);
  const chosen = pathEdges
    .map((e, i) => ({ e, i, k: rand() }))
    .sort((u, v) => u.k - v.k)
    .slice(0, nLocked)
    .sort((u, v) => u.i - v.i);

  const used = new Set<string>();
  const freeCell = (room: number): [number, number] => {
    for (;;) {
      const c: [number, number] = [ry(room) * p + 1 + int(s), rx(room) * p + 1 + int(s)];
      if (!used.has(`${c}`)) {
        used.add(`${c}`);
        return c;
      }
    }
  };
  const start = freeCell(startRoom);
  const goal = freeCell(goalRoom);
  tiles[goal[0]]![goal[1]] = TILE.GOAL;

  // Rooms reachable from the start through open doors: each key goes in a random room of the
  // region before its door (preferring rooms off the way to it, so finding it takes exploring).
  const lockedSet = new Set(chosen.map(({ e }) => `${Math.min(...e)},${Math.max(...e)}`));
  const region = (blocked: Set<string>) => {
    const seen = new Set([startRoom]);
    const queue = [startRoom];
    while (queue.length) {
      const r = queue.shift()!;
      for (const [a, b] of edges) {
        const q = a === r ? b : b === r ? a : -1;
        if (q < 0 || seen.has(q) || blocked.has(`${Math.min(a, b)},${Math.max(a, b)}`)) continue;
        seen.add(q);
        queue.push(q);
      }
    }
    return [...seen];
  };
  const keys: [number, number][] = [];
  const stillLocked = new Set(lockedSet);
  for (const { e } of chosen) {
    const rooms = region(stillLocked);
    const off = rooms.filter((r) => !path.includes(r));
    const pool = off.length ? off : rooms;
    const k = freeCell(pool[int(pool.length)]!);
    tiles[k[0]]![k[1]] = TILE.KEY;
    keys.push(k);
    const id = `${Math.min(...e)},${Math.max(...e)}`;
    stillLocked.delete(id);
    const cell = doorOf.get(id)!;
    tiles[cell[0]]![cell[1]] = TILE.LOCKED;
    doors.find((d) => d.cell === cell)!.locked = true;
  }
  return { opts, tiles, height, width, start, startRoom, goal, goalRoom, doors, keys, path };
}
