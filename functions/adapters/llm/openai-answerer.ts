import { buildChat, readModelReply } from '../../domain/knowledge/assistant';
import type { Answerer, AnswerInput } from '../../ports';
import type { OpenAiClient } from './openai-client';

export interface OpenAiAnswererOptions {
  readonly model: string;
  readonly maxChars: number;
  readonly businessName?: string;
}

/** Answers through the Chat Completions API, confined to the passages by the system prompt. */
export class OpenAiAnswerer implements Answerer {
  readonly kind = 'model' as const;

  constructor(
    private readonly client: OpenAiClient,
    private readonly options: OpenAiAnswererOptions,
  ) {}

  async answer(input: AnswerInput): Promise<{ handoff: boolean; text: string }> {
    const messages = buildChat({
      question: input.question,
      passages: input.passages,
      history: input.history,
      maxChars: this.options.maxChars,
      ...(this.options.businessName ? { businessName: this.options.businessName } : {}),
    });
    const client = await this.client();
    const completion = await client.chat.completions.create({
      model: this.options.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      // Roughly maxChars / 4 tokens, plus room for reasoning models' hidden tokens.
      max_completion_tokens: Math.ceil(this.options.maxChars / 3) + 1024,
    });
    return readModelReply(completion.choices[0]?.message?.content, this.options.maxChars);
  }
}
