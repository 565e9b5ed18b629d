import { crc32 } from './crc32';

describe('crc32', () => {
  it('gives the standard CRC-32 check value and the numbers of Python binascii.crc32(text.encode())', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('study_0')).toBe(368277276);
  });

  it('hashes the UTF-8 bytes of non-ASCII text, astral characters included', () => {
    expect(crc32('é')).toBe(235179326);
    expect(crc32('日本_😀')).toBe(3019923266);
    // A lone surrogate has no UTF-8 form: it is hashed as U+FFFD, as TextEncoder would encode it.
    expect(crc32('\ud800')).toBe(crc32('\ufffd'));
    expect(crc32('\ufffd')).toBe(2339517385);
  });
});
