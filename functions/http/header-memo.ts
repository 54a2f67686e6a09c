/**
 * Answers remembered per request-header text: clients send a handful of distinct values, so a hot
 * path computes each answer once. Bounded: when full it forgets everything and starts again, so a
 * client sending ever-new values cannot make it grow.
 */
export class HeaderMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly limit = 256) {}

  /** The answer remembered for `key`, or undefined. */
  get(key: string): V | undefined {
    return this.answers.get(key);
  }

  /** Remembers `answer` for `key` and hands it back. */
  remember(key: string, answer: V): V {
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }
}
