/** Half-open span of epoch milliseconds, `[start, end)`. */
export interface Span {
  start: number;
  end: number;
}

export function spanLength(spans: readonly Span[]): number {
  let total = 0;
  for (const span of spans) total += Math.max(0, span.end - span.start);
  return total;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export function clipSpan(span: Span, bounds: Span): Span | undefined {
  const start = Math.max(span.start, bounds.start);
  const end = Math.min(span.end, bounds.end);
  return start < end ? { start, end } : undefined;
}

/** Sorted, non-overlapping union; touching spans are joined. */
export function unionOf(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.start < s.end).sort((a, b) => a.start - b.start);
  const result: Span[] = [];
  for (const span of sorted) {
    const last = result[result.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else result.push({ start: span.start, end: span.end });
  }
  return result;
}

/** Intersection of two sorted, non-overlapping span lists. */
export function intersectSorted(a: readonly Span[], b: readonly Span[]): Span[] {
  const result: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}
