import { Boundary, CreateResident, IdNumber, isValidIdNumber, MobilePhone, PlateNumber } from './index.js';

describe('resident ID numbers', () => {
  it('accepts a number whose check digit matches, including the X check character', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310029')).toBe(false);
  });

  it('rejects wrong lengths and letters in the body', () => {
    expect(isValidIdNumber('11010519491231002')).toBe(false);
    expect(isValidIdNumber('1101051949123100AX')).toBe(false);
  });

  it('normalises a lower-case x before checking', () => {
    expect(IdNumber.parse(' 11010519491231002x ')).toBe('11010519491231002X');
  });
});

describe('phones and plates', () => {
  it('takes 11-digit mainland mobile numbers only', () => {
    expect(MobilePhone.safeParse('13812345678').success).toBe(true);
    expect(MobilePhone.safeParse('12812345678').success).toBe(false);
    expect(MobilePhone.safeParse('0538-1234567').success).toBe(false);
  });

  it('takes ordinary and new-energy plates, upper-casing letters', () => {
    expect(PlateNumber.parse('鲁j12345')).toBe('鲁J12345');
    expect(PlateNumber.parse('鲁JD12345')).toBe('鲁JD12345');
    expect(PlateNumber.safeParse('ABC1234').success).toBe(false);
  });
});

describe('grid boundaries', () => {
  it('accepts a closed GeoJSON polygon and refuses a ring with too few positions', () => {
    const ring = [
      [117.13, 36.19],
      [117.14, 36.19],
      [117.14, 36.2],
      [117.13, 36.19],
    ];
    expect(Boundary.safeParse({ type: 'Polygon', coordinates: [ring] }).success).toBe(true);
    expect(Boundary.safeParse({ type: 'Polygon', coordinates: [ring.slice(0, 2)] }).success).toBe(false);
    expect(Boundary.safeParse({ type: 'Point', coordinates: [117, 36] }).success).toBe(false);
  });
});

describe('creating a resident', () => {
  it('refuses unknown fields so that a typo never silently drops data', () => {
    const result = CreateResident.safeParse({
      communityId: '5b4f4a55-8f4e-4b39-9d55-0d6b1e0f7a11',
      name: '张三',
      phonee: '13800000000',
    });
    expect(result.success).toBe(false);
  });
});
