/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one 32-bit state word, a Weyl step and an
 * xorshift-multiply mix per draw; returns floats in [0, 1). Not cryptographic, and it need not be:
 * its users only need a sequence they can replay from a seed and that spreads evenly.
 */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
