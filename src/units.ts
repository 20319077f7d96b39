/**
 * Sizes in words, one definition each. Bytes are counted as Lambda's documentation counts
 * them: 1 MB = 1,048,576 bytes (its 262,144,000-byte limit is "250 MB").
 */

/** Compact, for tables and one-line summaries: "12 B", "3.4 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Always in MB, to compare with Lambda's limits: "250.0 MB". */
export function formatMB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** Every byte, beside a rounded figure where the exact count decides: "262,144,000 bytes". */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}
