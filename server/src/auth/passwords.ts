import bcrypt from 'bcryptjs';

const COST = 11;
// Compared against when the username does not exist, so that response time does not reveal which exist.
const DUMMY = bcrypt.hashSync('linli-no-such-user', COST);

export const hashPassword = (password: string) => bcrypt.hash(password, COST);
export const verifyPassword = (password: string, hash: string | null) =>
  bcrypt.compare(password, hash ?? DUMMY);
