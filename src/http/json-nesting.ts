// Both vendors' JSON readers stop at a nesting depth: serde_json's recursion limit (128) and Python's
// recursion limit. The parser diffmock uses to find error positions (jsonc-parser) recurses per level,
// so a body nested deeper than the vendor allows is answered before it is parsed.

/**
 * The offset of the first `[` or `{` that opens nesting level `limit` (the outermost bracket is
 * level 1), skipping string contents; -1 when the text never nests that deep.
 */
export function offsetPastNestingLimit(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth === limit) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return -1;
}
