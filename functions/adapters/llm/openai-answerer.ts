import { buildChat, ModelUnavailableError, readModelReply } from '../../domain/knowledge/assistant';
import type { Answerer, AnswerInput } from '../../ports';
import type { OpenAiClient } from './openai-client';

export interface OpenAiAnswererOptions {
  readonly model: string;
  readonly maxChars: number;
  readonly businessName?: string;
}

/**
 * Answers through the Chat Completions API: the rules in the system message, the passages as quoted website
 * content in a user message, and the reply checked before anyone sees it (readModelReply).
 */
export class OpenAiAnswerer implements Answerer {
  readonly kind = 'model' as const;

  constructor(
    private readonly client: OpenAiClient,
    private readonly options: OpenAiAnswererOptions,
  ) {}

  async answer(input: AnswerInput): Promise<ReturnType<typeof readModelReply>> {
    const messages = buildChat({
      question: input.question,
      passages: input.passages,
      history: input.history,
      maxChars: this.options.maxChars,
      ...(input.language ? { language: input.language } : {}),
      ...(this.options.businessName ? { businessName: this.options.businessName } : {}),
    });
    const client = await this.client();
    const completion = await client.chat.completions
      .create({
        model: this.options.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        // Roughly maxChars / 4 tokens, plus room for reasoning models' hidden tokens.
        max_completion_tokens: Math.ceil(this.options.maxChars / 3) + 1024,
      })
      .catch((error: unknown) => {
        throw new ModelUnavailableError(this.options.model, error);
      });
    return readModelReply(completion.choices[0]?.message?.content, {
      maxChars: this.options.maxChars,
      passages: input.passages,
      ...(input.language ? { language: input.language } : {}),
    });
  }
}
