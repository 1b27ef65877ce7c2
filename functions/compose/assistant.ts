/**
 * The assistant's parts, built only by the functions that use them (api, inbound, crawler), so the OpenAI
 * SDK and the HTML tools stay out of the other bundles.
 */
import { ExcerptAnswerer } from '../adapters/llm/excerpt-answerer';
import { OpenAiAnswerer } from '../adapters/llm/openai-answerer';
import { makeOpenAiClient } from '../adapters/llm/openai-client';
import { OpenAiEmbedder } from '../adapters/llm/openai-embedder';
import type { Answerer, Embedder } from '../ports';
import { KnowledgeBase } from '../services/knowledge-base';
import { KnowledgeIndexer } from '../services/knowledge-indexer';
import type { Context } from './context';
import { knowledgeStore } from './stores';

export interface Assistant {
  readonly embedder?: Embedder;
  readonly answerer: Answerer;
  readonly knowledgeBase: KnowledgeBase;
  readonly indexer: KnowledgeIndexer;
}

export function buildAssistant(c: Context): Assistant {
  const o = c.config.openai;
  const a = c.config.assistant;
  const knowledge = knowledgeStore(c);
  let embedder: Embedder | undefined;
  let answerer: Answerer;
  if (o.apiKey) {
    const client = makeOpenAiClient({
      apiKey: o.apiKey,
      ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
      timeoutMs: o.timeoutMs,
      maxRetries: o.maxRetries,
    });
    embedder = new OpenAiEmbedder(client, o.embeddingModel, o.embeddingDimensions);
    answerer = new OpenAiAnswerer(client, {
      model: o.model,
      maxChars: a.maxChars,
      ...(a.businessName ? { businessName: a.businessName } : {}),
    });
  } else {
    answerer = new ExcerptAnswerer(a.maxChars, a.replies);
  }
  return {
    ...(embedder ? { embedder } : {}),
    answerer,
    knowledgeBase: new KnowledgeBase(
      knowledge,
      embedder,
      answerer,
      { topK: a.topK, minRelevance: a.minRelevance },
      c.logger,
    ),
    indexer: new KnowledgeIndexer(knowledge, embedder, c.clock),
  };
}
