// Argon2id password hashing (@node-rs/argon2: a maintained Rust binding with prebuilt binaries, no
// compiler needed at install). Parameters: the library's defaults, which are OWASP's recommended
// minimum for Argon2id (19 MiB, 2 iterations, 1 lane) — about 30 ms a hash on one core here.
import { hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id of the library (an ambient const enum, which isolated modules cannot read).
const ARGON2ID = 2;
import type { PasswordHasher } from "../domain/accounts/passwords";

export const argon2Passwords: PasswordHasher = {
  hash: (password) => hash(password, { algorithm: ARGON2ID }),
  async verify(stored, password) {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  },
};
