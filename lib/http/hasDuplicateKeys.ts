/**
 * Tells whether a JSON text (already known to be valid) repeats a key inside one object. JSON.parse
 * silently keeps the last of duplicated keys, so `{"userId":"bob","userId":"alice"}` would mean
 * different things to different parsers: such bodies are refused as ambiguous, never guessed.
 *
 * @example
 * ```ts
 * hasDuplicateKeys('{"a":1,"a":2}'); // true
 * hasDuplicateKeys('{"a":{"a":1}}'); // false (different objects)
 * ```
 */
export function hasDuplicateKeys(json: string): boolean {
  // One frame per open object or array; arrays have no keys. A string is a key exactly when it
  // follows "{" or "," inside an object (valid JSON guarantees the rest of the grammar).
  const frames: { keys: Set<string> | undefined; expectKey: boolean }[] = [];
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (json.charCodeAt(end) !== 0x22) end += json.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      const frame = frames[frames.length - 1];
      if (frame?.keys && frame.expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) return true;
        frame.keys.add(key);
        frame.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      frames.push({ keys: new Set(), expectKey: true });
    } else if (c === 0x5b /* [ */) {
      frames.push({ keys: undefined, expectKey: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const frame = frames[frames.length - 1];
      if (frame?.keys) frame.expectKey = true;
    }
  }
  return false;
}
