import type { BuildOptions } from "esbuild";

export const REPO: string;
export const ACTION_ENTRY: string;
export const CHUNK_DIR: string;
export function esbuildOptions(
  entry?: string,
  outfile?: string,
): BuildOptions & { metafile: true; entryPoints: { in: string; out: string }[]; outdir: string };
