// Lossless JSON: numbers JS cannot hold exactly stay text, and the JSON.parse
// fast path gives exactly what the careful parser gives.
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonLossless } from './json.ts';

describe('parseJsonLossless', () => {
  it("keeps a bankruptcy repay's tranId above 2^53 digit for digit", () => {
    expect(parseJsonLossless('{"tranId":58203331886213504,"code":200}')).toEqual({ tranId: '58203331886213504', code: 200 });
  });

  it.each([
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', '9007199254740993'],
    ['12345678901.12345678', '12345678901.12345678'],
    ['0.1000000000000000055511151231257827', '0.1000000000000000055511151231257827'],
    ['0.1', 0.1],
    ['1.10', 1.1],
    ['0.000001', 0.000001],
    ['0.0000001', '0.0000001'],
    ['1e3', 1000],
    ['1e400', '1e400'],
    ['-0', -0],
    ['1795423451741', 1795423451741],
  ])('%s', (literal, expected) => {
    expect(parseJsonLossless(`{"v":${literal}}`)).toEqual({ v: expected });
    expect(parseJsonLossless(`[${literal}]`)).toEqual([expected]);
  });

  it('parses ordinary bodies like JSON.parse', () => {
    const bodies = ['{"code":200,"msg":"success"}', '{"code":-4046,"msg":"No need to change margin type."}', '[{"asset":"BTC","crossMarginBorrowed":"0.5"}]', '{"a":[true,false,null,"x\\u0041\\n"]}'];
    for (const body of bodies) expect(parseJsonLossless(body)).toEqual(JSON.parse(body));
  });

  it('says where broken JSON breaks', () => {
    expect(() => parseJsonLossless('{"code":200,')).toThrow(JsonSyntaxError);
    expect(() => parseJsonLossless('<html>502</html>')).toThrow(/position 0/);
  });
});
