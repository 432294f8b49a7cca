import { Contract } from './contract';
import { widgetContract } from './testing/fixtureContract';

describe('Contract.validateComponentResponse', () => {
  const contract = new Contract(widgetContract);
  const problem = { type: 'about:blank', title: 'Gateway Timeout', status: 504, detail: 'slow' };

  it('accepts a response that matches a reusable response of components.responses', () => {
    expect(contract.validateComponentResponse('Problem', { status: 504, contentType: 'application/problem+json', body: problem })).toEqual([]);
  });

  it('names a wrong content type, a body that breaks the schema and an unknown response', () => {
    expect(contract.validateComponentResponse('Problem', { status: 504, contentType: 'text/html', body: '<p>' })).toEqual([
      'Problem 504: content type text/html is not one of application/problem+json',
    ]);
    expect(
      contract.validateComponentResponse('Problem', { status: 504, contentType: 'application/problem+json', body: { detail: 'slow' } }),
    ).toEqual(expect.arrayContaining([expect.stringContaining('/title: is required')]));
    expect(contract.validateComponentResponse('Nope', { status: 504, body: {} })).toEqual(['the contract has no components.responses.Nope']);
  });
});
