import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);

// src/append.ts
function append(into, items) {
  for (const item of items) into.push(item);
  return into;
}

export {
  append
};
