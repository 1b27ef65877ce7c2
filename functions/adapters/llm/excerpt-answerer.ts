import { excerptReply, type ReplyTexts } from '../../domain/knowledge/assistant';
import type { Answerer, AnswerInput } from '../../ports';

/** The answerer without an OpenAI key: quotes the best passage and its page, worded as an excerpt. */
export class ExcerptAnswerer implements Answerer {
  readonly kind = 'excerpt' as const;

  constructor(
    private readonly maxChars: number,
    private readonly replies?: Readonly<Record<string, Partial<ReplyTexts>>>,
  ) {}

  async answer(input: AnswerInput): Promise<{ handoff: boolean; text: string }> {
    const text = excerptReply(input.passages, this.maxChars, input.language, this.replies);
    return text ? { handoff: false, text } : { handoff: true, text: '' };
  }
}
