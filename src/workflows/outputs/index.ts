/** What a training run leaves behind: run directories, plots, videos (the driver that writes them, trainRun, is in src/algorithms/). */
export { RunDir, FILES, newRunDir, defaultRunName, readConfigFile } from "./run_dir.js";
export { learningCurveSpec, renderSvg, svgToPng, writeLearningCurves, type Series, type PlotOptions } from "./plots.js";
export { encodeGif, recordEpisode, writeEpisodeGif, episodeKey, type Frame, type Episode, type EpisodeOptions, type GifOptions } from "./video.js";
export { writeFileAtomic } from "./atomic.js";
