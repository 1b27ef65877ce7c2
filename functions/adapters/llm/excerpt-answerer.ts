import { excerptReply } from '../../domain/knowledge/assistant';
import type { Answerer, AnswerInput } from '../../ports';

/** The answerer without an OpenAI key: quotes the best passage and its page, worded as an excerpt. */
export class ExcerptAnswerer implements Answerer {
  readonly kind = 'excerpt' as const;

  constructor(private readonly maxChars: number) {}

  async answer(input: AnswerInput): Promise<{ handoff: boolean; text: string }> {
    const text = excerptReply(input.passages, this.maxChars);
    return text ? { handoff: false, text } : { handoff: true, text: '' };
  }
}
