import { ModelUnavailableError } from '../../domain/knowledge/assistant';
import { unitVector } from '../../domain/knowledge/retrieval';
import type { Embedder } from '../../ports';
import type { OpenAiClient } from './openai-client';

/** OpenAI's embeddings API allows up to 2,048 inputs per request; smaller batches keep requests quick. */
const BATCH = 96;

export class OpenAiEmbedder implements Embedder {
  readonly model: string;

  constructor(
    private readonly client: OpenAiClient,
    model: string,
    private readonly dimensions: number,
  ) {
    // The model name recorded with each page includes the dimensions: changing either re-embeds.
    this.model = `${model}@${dimensions}`;
    this.apiModel = model;
  }

  private readonly apiModel: string;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const client = await this.client();
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH).map((t) => t.slice(0, 8000) || ' ');
      const response = await client.embeddings
        .create({
          model: this.apiModel,
          input: batch,
          dimensions: this.dimensions,
          encoding_format: 'float',
        })
        .catch((error: unknown) => {
          throw new ModelUnavailableError(this.apiModel, error);
        });
      const byIndex = [...response.data].sort((a, b) => a.index - b.index);
      if (byIndex.length !== batch.length) {
        throw new Error(`embeddings: asked for ${batch.length} vectors, got ${byIndex.length}`);
      }
      for (const d of byIndex) out.push(unitVector(d.embedding));
    }
    return out;
  }
}
