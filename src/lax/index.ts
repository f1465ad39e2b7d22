// lax: thin, strict wrappers over the primitives (no broadcasting, no promotion).
import { lax as elementwise } from "./elementwise.js";
import { convertLax } from "./convert.js";
import { shapeLax } from "./shape.js";
import { gatherLax } from "./gather.js";
import { miscLax } from "./misc.js";
import "./elementwise_rules.js";
import "./shape_rules.js";
import "./gather_rules.js";
import "./reduce_rules.js";
import "./sort_rules.js";
import "./dot_rules.js";
import "./conv_rules.js";
import "./collective_rules.js";
import { reduceLax } from "./reduce.js";
import { sortLax } from "./sort.js";
import { dotLax } from "./dot.js";
import { convLax } from "./conv.js";
import { controlLax } from "./control/index.js";
import { collectiveLax } from "./collective.js";

export const lax = {
  ...elementwise,
  ...convertLax,
  ...shapeLax,
  ...gatherLax,
  ...miscLax,
  ...reduceLax,
  ...sortLax,
  ...dotLax,
  ...convLax,
  ...controlLax,
  ...collectiveLax,
};
