import { MongoClient } from 'mongodb';
import { ProductStore } from './products/ProductStore';

const CATEGORIES: Record<string, string[]> = {
  shoes: ['Running Shoes', 'Hiking Boots', 'Sneakers', 'Sandals', 'Loafers'],
  outdoor: [
    'Tent',
    'Sleeping Bag',
    'Backpack',
    'Rain Jacket',
    'Trekking Poles',
  ],
  kitchen: [
    'Kettle',
    'Chef Knife',
    'Frying Pan',
    'Coffee Grinder',
    'Mixing Bowl',
  ],
  electronics: [
    'Headphones',
    'Bluetooth Speaker',
    'Smart Watch',
    'Power Bank',
    'Webcam',
  ],
  home: ['Desk Lamp', 'Throw Blanket', 'Wall Clock', 'Plant Pot', 'Cushion'],
  fashion: [
    'Wool Scarf',
    'Leather Belt',
    'Denim Jacket',
    'Sunglasses',
    'Beanie',
  ],
};
const ADJECTIVES = [
  'Classic',
  'Ultralight',
  'Premium',
  'Compact',
  'Waterproof',
  'Vintage',
  'Eco',
  'Pro',
];
const TAGS = ['sale', 'new', 'bestseller', 'eco', 'gift', 'limited'];

/** Deterministic pseudo-random numbers, so every seeded catalogue is the same. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Inserts `count` demo products (default 1000) unless the collection already has that many. They are
 * written through the store, so a running product-service publishes them to `products` (and search
 * indexes them). Usage: `yarn workspace @platform/product-service seed [count]`.
 */
async function seedCatalogue(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set (load .state/infra.env)');
  const client = new MongoClient(uri);
  await client.connect();
  try {
    const store = new ProductStore(
      client.db(process.env.MONGODB_DATABASE ?? 'products'),
    );
    await store.ensureIndexes();
    const existing = await store.collection.countDocuments({ deleted: false });
    if (existing >= count) {
      console.log(`already ${existing} products; nothing to do`);
      return;
    }
    const random = mulberry32(42);
    const categories = Object.keys(CATEGORIES);
    for (let i = existing; i < count; i++) {
      const category = categories[i % categories.length];
      const nouns = CATEGORIES[category];
      const noun = nouns[Math.floor(random() * nouns.length)];
      const adjective = ADJECTIVES[Math.floor(random() * ADJECTIVES.length)];
      await store.create({
        name: `${adjective} ${noun} ${i + 1}`,
        category,
        price: Math.round((5 + random() * 495) * 100) / 100,
        stock: Math.floor(random() * 200),
        tags: TAGS.filter(() => random() < 0.25),
        attributes: {
          colour: ['black', 'white', 'red', 'blue', 'green'][i % 5],
        },
      });
    }
    console.log(`seeded ${count - existing} products (now ${count})`);
  } finally {
    await client.close();
  }
}

seedCatalogue().catch(error => {
  console.error(error);
  process.exit(1);
});
