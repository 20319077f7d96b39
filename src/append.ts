/**
 * Adds every item to the end of `into`, one push each. `into.push(...items)` passes each
 * item as an argument, on the stack: an array from outside (130,000 links on an index page,
 * the entries of a large dependency zip) overflows it. scripts/no-spread-arguments.grit
 * refuses spread arguments in src/.
 */
export function append<T>(into: T[], items: Iterable<T>): T[] {
  for (const item of items) into.push(item);
  return into;
}
