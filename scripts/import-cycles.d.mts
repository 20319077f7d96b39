export const REPO: string;
export const CHECKED_DIRS: string[];
export function importSpecifiers(text: string): string[];
export function resolveSpecifier(
  fromFile: string,
  specifier: string,
  exists?: (file: string) => boolean,
): string | undefined;
export function importGraph(root?: string, dirs?: string[]): Map<string, string[]>;
export function findCycles(graph: Map<string, string[]>): string[][];
