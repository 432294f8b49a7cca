/** One row of the lake's interactions table (docs/features.md), ts in epoch milliseconds. */
export interface Interaction {
  userId: string;
  itemId: string;
  ts: number;
  type: string;
  weight: number;
}

/** Interactions with users and items numbered 0..n-1 (in order of the sorted ids), the shape the model uses. */
export interface IndexedInteractions {
  userIds: string[];
  itemIds: string[];
  user: Int32Array;
  item: Int32Array;
  ts: Float64Array;
  weight: Float32Array;
}

export function indexInteractions(rows: readonly Interaction[]): IndexedInteractions {
  const userIds = [...new Set(rows.map(row => row.userId))].sort();
  const itemIds = [...new Set(rows.map(row => row.itemId))].sort();
  const userIndex = new Map(userIds.map((id, index) => [id, index]));
  const itemIndex = new Map(itemIds.map((id, index) => [id, index]));
  const indexed: IndexedInteractions = {
    userIds,
    itemIds,
    user: new Int32Array(rows.length),
    item: new Int32Array(rows.length),
    ts: new Float64Array(rows.length),
    weight: new Float32Array(rows.length),
  };
  rows.forEach((row, i) => {
    indexed.user[i] = userIndex.get(row.userId)!;
    indexed.item[i] = itemIndex.get(row.itemId)!;
    indexed.ts[i] = row.ts;
    indexed.weight[i] = row.weight;
  });
  return indexed;
}
