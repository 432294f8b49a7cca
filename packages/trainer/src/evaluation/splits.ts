import { IndexedInteractions } from '../data/interactions';
import { seededRandom, shuffled } from './random';

/**
 * A split of every user's interactions. `train[u]` maps the user's training items to their summed weight (the
 * model's input); `validation[u]` and `test[u]` are the held-out items to find, already without the items the
 * model knows for that user when it is asked: validation leaves out the training items, test the training and
 * validation items. `knownForTest[u]` is what the test ranking excludes.
 */
export interface Split {
  kind: 'random' | 'time';
  userCount: number;
  itemCount: number;
  train: Map<number, number>[];
  validation: Set<number>[];
  test: Set<number>[];
  knownForTest: Set<number>[];
}

function emptySplit(kind: Split['kind'], data: IndexedInteractions): Split {
  const n = data.userIds.length;
  return {
    kind,
    userCount: n,
    itemCount: data.itemIds.length,
    train: Array.from({ length: n }, () => new Map<number, number>()),
    validation: Array.from({ length: n }, () => new Set<number>()),
    test: Array.from({ length: n }, () => new Set<number>()),
    knownForTest: Array.from({ length: n }, () => new Set<number>()),
  };
}

function finish(split: Split): Split {
  for (let u = 0; u < split.userCount; u++) {
    const train = split.train[u];
    for (const item of split.validation[u]) if (train.has(item)) split.validation[u].delete(item);
    split.knownForTest[u] = new Set([...train.keys(), ...split.validation[u]]);
    for (const item of split.test[u]) if (split.knownForTest[u].has(item)) split.test[u].delete(item);
  }
  return split;
}

/** Per user items (summed weight), in first-seen order: all the data, the final model's input. */
export function userItems(data: IndexedInteractions): Map<number, number>[] {
  const items = Array.from({ length: data.userIds.length }, () => new Map<number, number>());
  for (let i = 0; i < data.user.length; i++) {
    const map = items[data.user[i]];
    map.set(data.item[i], (map.get(data.item[i]) ?? 0) + data.weight[i]);
  }
  return items;
}

/**
 * Per-user random split of the user's distinct items: round(10%) test, round(10%) validation, the rest
 * training (a user with fewer than 5 items keeps everything for training). Split by item, not by event, so a
 * held-out item is never also a training item. Seeded: the same data and seed give the same split.
 */
export function randomSplit(data: IndexedInteractions, seed: number): Split {
  const split = emptySplit('random', data);
  const random = seededRandom(seed);
  userItems(data).forEach((items, u) => {
    const order = shuffled([...items.keys()].sort((a, b) => a - b), random);
    const held = Math.round(order.length * 0.1);
    order.forEach((item, position) => {
      if (position < held) split.test[u].add(item);
      else if (position < 2 * held) split.validation[u].add(item);
      else split.train[u].set(item, items.get(item)!);
    });
  });
  return finish(split);
}

/**
 * Time-based split: each user's events ordered by ts (ties in table order); the last round(20%) are the test
 * period; of the events before it, the last round(20%) are validation (early stopping), the rest training.
 * Held-out items the user already had earlier are not counted (they are excluded from the ranking).
 */
export function timeSplit(data: IndexedInteractions): Split {
  const split = emptySplit('time', data);
  const events: number[][] = Array.from({ length: data.userIds.length }, () => []);
  for (let i = 0; i < data.user.length; i++) events[data.user[i]].push(i);
  events.forEach((indices, u) => {
    indices.sort((a, b) => data.ts[a] - data.ts[b] || a - b);
    const testStart = indices.length - Math.round(indices.length * 0.2);
    const validationStart = testStart - Math.round(testStart * 0.2);
    indices.forEach((i, position) => {
      const item = data.item[i];
      if (position >= testStart) split.test[u].add(item);
      else if (position >= validationStart) split.validation[u].add(item);
      else split.train[u].set(item, (split.train[u].get(item) ?? 0) + data.weight[i]);
    });
  });
  return finish(split);
}
