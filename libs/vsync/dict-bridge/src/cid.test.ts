import { randomUUID } from 'node:crypto';
import { computeCid, EMPTY_VSYNC, entryAttributesString, vsyncOf, type EntryAttributes } from './cid';

// The worked example of the DICT API specification, section "Cálculo de CID" / "Cálculo do VSync".
const example: EntryAttributes = {
  keyType: 'PHONE',
  key: '+5511987654321',
  ownerTaxIdNumber: '11122233300',
  ownerName: 'João Silva',
  ownerTradeName: '',
  participant: '12345678',
  branch: '00001',
  accountNumber: '0007654321',
  accountType: 'CACC',
};

describe('CID and VSync per the DICT specification', () => {
  it('builds the attributes string and the CID of the worked example', () => {
    expect(entryAttributesString(example)).toBe('PHONE&+5511987654321&11122233300&João Silva&&12345678&00001&0007654321&CACC');
    const requestId = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(computeCid(requestId, example)).toBe('28c06eb41c4dc9c3ae114831efcac7446c8747777fca8b145ecd31ff8480ae88');
    // The same bytes written as a UUID give the same CID.
    expect(computeCid('01020304-0506-0708-090a-0b0c0d0e0f10', example)).toBe('28c06eb41c4dc9c3ae114831efcac7446c8747777fca8b145ecd31ff8480ae88');
  });

  it('computes the VSync of the worked example, and 64 zeros for the empty set', () => {
    const cids = [
      '28c06eb41c4dc9c3ae114831efcac7446c8747777fca8b145ecd31ff8480ae88',
      '4d4abb9168114e349672b934d16ed201a919cb49e28b7f66a240e62c92ee007f',
      'fce514f84f37934bc8aa0f861e4f7392273d71b9d18e8209d21e4192a7842058',
    ];
    expect(vsyncOf(cids)).toBe('996fc1dd3b6b14bcf0c9fe8320eb66d7e2a3fd874ccf767b2e939641b1ea8eaf');
    expect(vsyncOf([...cids].reverse())).toBe('996fc1dd3b6b14bcf0c9fe8320eb66d7e2a3fd874ccf767b2e939641b1ea8eaf');
    expect(vsyncOf([])).toBe(EMPTY_VSYNC);
  });

  it('changes the CID when any attribute or the RequestId changes, and uses values untrimmed', () => {
    const requestId = randomUUID();
    const base = computeCid(requestId, example);
    expect(computeCid(requestId, { ...example, ownerName: 'João Silva ' })).not.toBe(base);
    expect(computeCid(requestId, { ...example, branch: '0001' })).not.toBe(base);
    expect(computeCid(randomUUID(), example)).not.toBe(base);
    expect(() => computeCid('not-a-uuid', example)).toThrow(/not a UUID/);
  });
});
