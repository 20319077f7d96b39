/** Every mutation module the wheel fuzzer draws from: add a module's list here. */
import { CONTENT_MUTATIONS } from "./mutate-content.ts";
import { ZIP_MUTATIONS } from "./mutate-zip.ts";
import type { Mutation } from "./types.ts";

export const MUTATION_GROUPS = { zip: ZIP_MUTATIONS, content: CONTENT_MUTATIONS } as const;
export const MUTATIONS: readonly Mutation[] = [...ZIP_MUTATIONS, ...CONTENT_MUTATIONS];
