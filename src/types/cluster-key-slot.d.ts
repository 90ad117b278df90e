declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0–16383) of a key, honouring its `{hash tag}`. */
  export default function calculateSlot(key: string | Buffer): number;
  /** The slot all keys share, or -1 when they do not share one. */
  export function generateMulti(keys: Array<string | Buffer>): number;
}
