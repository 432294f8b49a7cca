import { loadProductConfig } from './app';

describe('loadProductConfig', () => {
  const base = {
    MONGODB_URI: 'mongodb://127.0.0.1:27017/',
    KAFKA_BROKERS: '127.0.0.1:9092',
  };

  it('defaults to the standard port and the user-service JWKS', () => {
    const config = loadProductConfig(base);
    expect(config.PORT).toBe(3002);
    expect(config.JWT_PUBLIC_KEY).toBeUndefined();
    expect(config.JWT_JWKS_URL).toBe(
      'http://127.0.0.1:3001/.well-known/jwks.json',
    );
  });

  it('accepts a PEM key written on one line with \\n escapes', () => {
    const config = loadProductConfig({
      ...base,
      JWT_PUBLIC_KEY:
        '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEA\\n-----END PUBLIC KEY-----',
    });
    expect(config.JWT_PUBLIC_KEY).toBe(
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----',
    );
  });

  it('names every missing setting at once', () => {
    expect(() => loadProductConfig({})).toThrow(
      /MONGODB_URI[\s\S]*KAFKA_BROKERS/,
    );
  });
});
