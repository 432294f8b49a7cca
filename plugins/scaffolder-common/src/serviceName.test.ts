import { SERVICE_NAME_MAX_LENGTH, serviceNameProblem } from './serviceName';

describe('serviceNameProblem', () => {
  it.each(['wishlist-service', 'ab2-testing', 'x1', `s${'a'.repeat(SERVICE_NAME_MAX_LENGTH - 1)}`])(
    'accepts %s',
    name => {
      expect(serviceNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['', /Enter a name/],
    ['Wishlist-Service', /lowercase letters only .* e\.g\. wishlist-service/],
    [`s${'a'.repeat(SERVICE_NAME_MAX_LENGTH)}`, /at most 40 characters; this name has 41/],
    ['wishlist--service', /single hyphens/],
    ['-wishlist', /starting with a letter/],
    ['wishlist-', /kebab-case/],
    ['9lives', /starting with a letter/],
    ['wish_list', /kebab-case/],
  ])('refuses %j', (name, message) => {
    expect(serviceNameProblem(name)).toMatch(message);
  });
});
