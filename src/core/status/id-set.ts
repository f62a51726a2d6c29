/* eslint-disable no-bitwise -- hashing and open addressing are bit arithmetic */

/**
 * A set of event ids that stores 64 bits of hash per id in typed arrays: a million ids take 16 MB
 * instead of the ~100 MB of a Set of strings. Two different ids can share a hash (about one chance
 * in 10^7 for a million ids); `add` then reports the id as possibly seen, and the caller must treat
 * that answer as "maybe", never as proof of a duplicate.
 */
export class IdHashSet {
  private high = new Uint32Array(1024)
  private low = new Uint32Array(1024)
  private size = 0

  /** Adds the id; false when it (or an id with the same 64-bit hash) was there already. */
  add(id: string): boolean {
    let a = 0x81_1C_9D_C5
    let b = 0x01_00_01_93
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i) // eslint-disable-line unicorn/prefer-code-point -- code units are what is hashed
      a = Math.imul(a ^ code, 0x01_00_01_93)
      b = Math.imul(b ^ code, 0x5B_D1_E9_95)
    }

    // An empty slot is 0/0: keep `low` odd so a stored hash never looks empty.
    return this.insert(a >>> 0, (b | 1) >>> 0)
  }

  private insert(high: number, low: number): boolean {
    if ((this.size + 1) * 2 > this.low.length) this.grow()
    const mask = this.low.length - 1
    for (let slot = (high ^ low) & mask; ; slot = (slot + 1) & mask) {
      if (this.low[slot] === 0) {
        this.high[slot] = high
        this.low[slot] = low
        this.size++
        return true
      }

      if (this.low[slot] === low && this.high[slot] === high) return false
    }
  }

  private grow(): void {
    const {high, low} = this
    this.high = new Uint32Array(low.length * 2)
    this.low = new Uint32Array(low.length * 2)
    this.size = 0
    for (let slot = 0; slot < low.length; slot++) if (low[slot] !== 0) this.insert(high[slot], low[slot])
  }
}
