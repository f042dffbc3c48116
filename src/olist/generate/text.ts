/**
 * Portuguese review titles and messages for synthetic reviews, chosen by sentiment. The phrases are
 * written for this generator (not copied from real reviews) but share the real ones' traits: commas,
 * "\r\n" (and sometimes bare "\n") line breaks inside a message, trailing spaces, lower-case typing and
 * the odd double quote, so CSV readers must handle RFC 4180 quoting.
 */
import { csvField } from './format.ts';
import type { Rng } from './random.ts';

const POSITIVE = [
  'Produto excelente, chegou antes do prazo.',
  'Recebi tudo certinho e bem embalado.',
  'Ótima qualidade, recomendo a loja.',
  'Entrega rápida e produto conforme o anúncio.',
  'Muito bom, superou minhas expectativas!',
  'Comprei para dar de presente e a pessoa adorou.',
  'Chegou direitinho, sem nenhum defeito.',
  'Produto de qualidade, preço justo e entrega no prazo.',
  'Tudo perfeito, voltarei a comprar.',
  'Gostei muito, o acabamento é caprichado.',
  'Vendedor atencioso, respondeu rápido às minhas dúvidas.',
  'Exatamente como na foto.',
  'Excelente custo-benefício.',
  'Entregaram bem antes da data prevista, parabéns!',
  'A embalagem veio reforçada e o produto intacto.',
  'Estou muito satisfeita com a compra.',
  'Funciona muito bem, fácil de montar.',
  'Veio com "brinde" e um bilhete de agradecimento, muito simpático.',
  'Cumpriu o que prometeu.',
  'Produto ótimo',
  'recomendo',
  'Bom produto, entrega dentro do prazo.',
] as const;

const NEUTRAL = [
  'O produto é bom, mas a entrega demorou um pouco.',
  'Razoável, esperava um pouco mais pelo preço.',
  'Chegou no prazo, porém a cor é diferente da foto.',
  'Atendeu parcialmente, o tamanho é menor do que imaginei.',
  'A caixa veio amassada, mas o produto estava inteiro.',
  'Produto ok.',
  'Nada de especial, cumpre a função.',
  'Demorou, mas chegou.',
  'Veio sem manual de instruções, tive que procurar na internet.',
] as const;

const NEGATIVE = [
  'Produto veio com defeito e até agora ninguém resolveu.',
  'Péssima qualidade, não recomendo.',
  'Recebi o produto errado, solicitei a troca.',
  'Veio faltando peças, estou aguardando retorno do vendedor.',
  'A entrega atrasou mais de uma semana.',
  'Não é o que estava no anúncio, muito decepcionado.',
  'Comprei dois itens e recebi apenas um.',
  'O material é frágil, quebrou no primeiro uso.',
  'Atendimento ruim, ninguém responde as mensagens.',
  'Quero meu dinheiro de volta.',
  'Produto chegou quebrado, a embalagem não protegia nada.',
] as const;

const NOT_DELIVERED = [
  'Ainda não recebi o produto.',
  'O prazo de entrega já passou e não recebi nada.',
  'Até hoje aguardando a entrega, ninguém dá informação.',
  'Paguei e não recebi, gostaria de uma resposta.',
  'O rastreamento não atualiza há dias.',
  'Pedido cancelado sem nenhuma explicação.',
  'Não recebi o produto e o site diz que foi entregue.',
] as const;

const TITLES_POSITIVE = [
  'Recomendo',
  'recomendo',
  'Super recomendo',
  'Ótimo',
  'Otimo produto',
  'Excelente',
  'Muito bom',
  'Perfeito',
  'Adorei',
  'Nota 10',
  '10',
  'Tudo certo ',
] as const;
const TITLES_NEUTRAL = ['Bom', 'Razoável', 'Ok', 'Poderia ser melhor', 'Regular'] as const;
const TITLES_NEGATIVE = [
  'Péssimo',
  'Não recomendo',
  'Decepcionado',
  'Produto com defeito',
  'Ruim',
  'Atraso',
] as const;
const TITLES_NOT_DELIVERED = ['Não recebi', 'Não entregue', 'Cadê meu pedido?', 'Aguardando'] as const;

function pick(rng: Rng, list: readonly string[]): string {
  return list[rng.int(list.length)]!;
}

function messageList(score: number, delivered: boolean): readonly string[] {
  if (!delivered && score <= 2) return NOT_DELIVERED;
  if (score >= 4) return POSITIVE;
  if (score === 3) return NEUTRAL;
  return NEGATIVE;
}

function titleList(score: number, delivered: boolean): readonly string[] {
  if (!delivered && score <= 2) return TITLES_NOT_DELIVERED;
  if (score >= 4) return TITLES_POSITIVE;
  if (score === 3) return TITLES_NEUTRAL;
  return TITLES_NEGATIVE;
}

/** A review message as a CSV field (quoted when needed). */
export function reviewMessage(rng: Rng, score: number, delivered: boolean): string {
  const list = messageList(score, delivered);
  const r = rng.float();
  const parts = r < 0.62 ? 1 : r < 0.95 ? 2 : 3;
  let text = pick(rng, list);
  for (let i = 1; i < parts; i++) {
    const s = rng.float();
    const sep = s < 0.72 ? ' ' : s < 0.95 ? '\r\n' : '\n';
    text += sep + pick(rng, list);
  }
  const style = rng.float();
  if (style < 0.15) text = text.toLowerCase();
  else if (style < 0.18) text = text.toUpperCase();
  if (rng.chance(0.1)) text += ' ';
  return csvField(text);
}

/** A review title as a CSV field. */
export function reviewTitle(rng: Rng, score: number, delivered: boolean): string {
  return csvField(pick(rng, titleList(score, delivered)));
}
