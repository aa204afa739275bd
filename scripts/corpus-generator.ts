/**
 * Generator of charnn's default training corpus (corpora/default.txt).
 *
 * The text is the project's own: a hand-written word list (names, places, nouns, verbs,
 * adjectives typed for this file) and a small grammar of sentence templates (statements,
 * questions, dialogue, rhymes, lists, sayings), driven by the seeded Rng so that the same
 * seed and size always give the same bytes. One sentence per line.
 *
 * Design choices, for a character model trained for a few minutes:
 *  - a moderate vocabulary with skewed (Zipf-like) word choice, so common words repeat often
 *    enough to be learned and rare ones still appear;
 *  - a small alphabet: letters, basic punctuation (. , ! ? : ' -), digits only in a few
 *    templates, and a handful of accented words (café, naïve, ...) so non-ASCII shows up.
 */
import { Rng } from '../src/util/rng.js';

export const DEFAULT_SEED = 20240611;
export const DEFAULT_TARGET_BYTES = 500_000;

// ---------------------------------------------------------------------------------------
// Word lists. Earlier entries are picked more often (see `pick`), so the most ordinary words
// come first.

// prettier-ignore
const NAMES = [
  'Alice', 'Tom', 'Clara', 'Sam', 'Rosa', 'Leo', 'Mara', 'Ned', 'Hannah', 'Peter',
  'Julia', 'Edwin', 'Fiona', 'George', 'Olive', 'Ivan', 'Dora', 'Kit', 'Una', 'Victor',
  'Wren', 'Bram', 'Nora', 'Felix', 'Ada', 'Hugo', 'Iris', 'Oscar', 'Molly', 'Jasper',
  'Zoë', 'Renée', 'José', 'Martha', 'Simon', 'Lucy', 'Arthur', 'Bella', 'Walter', 'Elsie',
];

// prettier-ignore
const TOWNS = [
  'Millbrook', 'Ashford', 'Greyhaven', 'Larkfield', 'Stonecross', 'Oakvale', 'Bellmoor',
  'Fernwick', 'Dunmere', 'Redwater', 'Thornbury', 'Willowby', 'Northgate', 'Kingsbridge',
  'Elmstead', 'Westmarsh', 'Pebble Bay', 'Crow Hill', 'Hollow Oak', 'Saltmarsh',
];

/** Places with their own preposition: "at the mill", "in the garden". */
// prettier-ignore
const PLACES: Array<[string, string]> = [
  ['the mill', 'at'], ['the market', 'at'], ['the river', 'by'], ['the garden', 'in'],
  ['the kitchen', 'in'], ['the harbour', 'at'], ['the bridge', 'on'], ['the forest', 'in'],
  ['the inn', 'at'], ['the church', 'by'], ['the old tower', 'in'], ['the school', 'at'],
  ['the station', 'at'], ['the farm', 'on'], ['the hill', 'on'], ['the library', 'in'],
  ['the café', 'at'], ['the orchard', 'in'], ['the meadow', 'in'], ['the lane', 'in'],
  ['the castle', 'in'], ['the cottage', 'at'], ['the well', 'by'], ['the shore', 'on'],
  ['the valley', 'in'], ['the square', 'in'], ['the bakery', 'at'], ['the island', 'on'],
  ['the cave', 'in'], ['the field', 'in'], ['the stable', 'in'], ['the lighthouse', 'by'],
];

/** Nouns as singular or "singular/plural" when the plural is irregular. */
// prettier-ignore
const ANIMALS = [
  'cat', 'dog', 'horse', 'bird', 'fox', 'goat', 'sheep/sheep', 'cow', 'mouse/mice', 'owl',
  'rabbit', 'duck', 'goose/geese', 'crow', 'hen', 'pig', 'wolf/wolves', 'bear', 'frog',
  'deer/deer', 'swan', 'bee', 'donkey', 'squirrel', 'hedgehog', 'badger', 'lamb', 'fish/fish',
];

// prettier-ignore
const PEOPLE = [
  'baker', 'miller', 'farmer', 'sailor', 'teacher', 'doctor', 'king', 'queen', 'child/children',
  'woman/women', 'man/men', 'girl', 'boy', 'stranger', 'neighbour', 'cook', 'guard', 'fisherman/fishermen',
  'shepherd', 'captain', 'soldier', 'tailor', 'smith', 'poet', 'painter', 'merchant', 'widow',
  'priest', 'carpenter', 'innkeeper', 'fiancée', 'traveller', 'gardener', 'singer', 'thief/thieves',
];

// prettier-ignore
const THINGS = [
  'lamp', 'key', 'letter', 'book', 'box', 'basket', 'candle', 'coat', 'hat', 'boot', 'ring',
  'coin', 'bell', 'map', 'clock', 'knife/knives', 'cup', 'bowl', 'rope', 'ladder', 'bucket',
  'wheel', 'cart', 'boat', 'window', 'door', 'chair', 'table', 'bed', 'spoon', 'kettle',
  'blanket', 'umbrella', 'violin', 'drum', 'flag', 'stone', 'feather', 'shell', 'mirror',
  'needle', 'thread', 'chest', 'jar', 'lantern', 'scarf', 'glove', 'whistle', 'pencil', 'shoe',
  'bottle', 'brush', 'saddle', 'net', 'compass', 'diary/diaries', 'photograph', 'pebble',
];

// prettier-ignore
const FOODS = [
  'bread', 'cheese', 'soup', 'apple', 'pear', 'cake', 'pie', 'honey', 'milk', 'tea',
  'egg', 'plum', 'cherry/cherries', 'onion', 'potato/potatoes', 'butter', 'jam', 'porridge',
  'carrot', 'biscuit', 'pancake', 'crème brûlée', 'lemon', 'walnut',
];

/** Uncountable foods take "some", never "a". */
const MASS_FOODS = new Set(['bread', 'cheese', 'soup', 'honey', 'milk', 'tea', 'butter', 'jam', 'porridge', 'crème brûlée']);

// prettier-ignore
const NATURE = [
  'sun', 'moon', 'star', 'wind', 'rain', 'snow', 'cloud', 'storm', 'tree', 'flower', 'rose',
  'leaf/leaves', 'sea', 'wave', 'fire', 'mountain', 'sky', 'river', 'lake', 'hill',
  'fog', 'frost', 'meadow', 'willow', 'oak', 'thunder',
];

// prettier-ignore
const ADJECTIVES = [
  'old', 'little', 'young', 'small', 'big', 'quiet', 'dark', 'bright', 'cold', 'warm',
  'green', 'red', 'blue', 'grey', 'white', 'black', 'brown', 'yellow', 'golden', 'silver',
  'happy', 'sad', 'tired', 'hungry', 'brave', 'clever', 'kind', 'proud', 'strange', 'lonely',
  'gentle', 'busy', 'lazy', 'empty', 'heavy', 'broken', 'rusty', 'sleepy', 'shiny', 'narrow',
  'wide', 'deep', 'soft', 'sweet', 'fresh', 'ancient', 'famous', 'secret', 'wooden', 'wild',
  'calm', 'merry', 'pale', 'crooked', 'tall', 'loud', 'wet', 'dry', 'naïve', 'well-known',
  'old-fashioned', 'half-empty', 'curious', 'patient', 'foolish', 'honest', 'noisy', 'dusty',
];

/** Adjectives that can describe a person or animal (for "the fox was ..."). */
// prettier-ignore
const MOODS = [
  'happy', 'tired', 'hungry', 'angry', 'cheerful', 'sleepy', 'afraid', 'lost', 'cross',
  'proud', 'lonely', 'curious', 'glad', 'worried', 'busy', 'quiet', 'naïve', 'late', 'kind',
];

// prettier-ignore
const ADVERBS = [
  'slowly', 'quickly', 'quietly', 'carefully', 'gently', 'happily', 'suddenly', 'softly',
  'loudly', 'sadly', 'bravely', 'silently', 'again', 'together', 'alone', 'at once',
  'very slowly', 'once more', 'without a word', 'in a hurry',
];

// prettier-ignore
const TIMES = [
  'in the morning', 'at night', 'in the evening', 'at dawn', 'at noon', 'at midnight',
  'on Monday', 'on Tuesday', 'on Wednesday', 'on Thursday', 'on Friday', 'on Saturday',
  'on Sunday', 'in the spring', 'in the summer', 'in the autumn', 'in the winter',
  'before supper', 'after breakfast', 'after the rain', 'yesterday', 'last week', 'long ago',
  'every day', 'once upon a time', 'at sunset', 'that afternoon', 'the next day',
];

/** What can follow "since". */
const SINCE = ['Monday', 'yesterday', 'last week', 'the spring', 'the storm', 'breakfast', 'market day', 'the wedding'];

const LOCATIONS = ['near', 'behind', 'under', 'beside', 'across', 'by', 'inside', 'over', 'past', 'around'];

/** Transitive verbs: "base|past". */
// prettier-ignore
const TRANSITIVE = [
  'find|found', 'carry|carried', 'see|saw', 'take|took', 'bring|brought', 'paint|painted',
  'mend|mended', 'sell|sold', 'buy|bought', 'build|built', 'open|opened', 'lose|lost',
  'hide|hid', 'watch|watched', 'follow|followed', 'feed|fed', 'wash|washed', 'cook|cooked',
  'keep|kept', 'want|wanted', 'love|loved', 'fetch|fetched', 'count|counted', 'pull|pulled',
  'catch|caught', 'drop|dropped', 'fill|filled', 'clean|cleaned', 'borrow|borrowed',
  'remember|remembered', 'forget|forgot', 'visit|visited', 'leave|left', 'hold|held',
  'break|broke', 'fix|fixed', 'pick up|picked up', 'chase|chased', 'call|called', 'meet|met',
  'help|helped', 'steal|stole', 'throw|threw', 'draw|drew', 'hear|heard', 'sweep|swept',
  'push|pushed', 'lift|lifted', 'polish|polished', 'guard|guarded', 'miss|missed', 'need|needed',
];

/** Intransitive verbs: "base|past". */
// prettier-ignore
const INTRANSITIVE = [
  'walk|walked', 'run|ran', 'sleep|slept', 'laugh|laughed', 'sing|sang', 'dance|danced',
  'wait|waited', 'shout|shouted', 'smile|smiled', 'cry|cried', 'swim|swam', 'climb|climbed',
  'rest|rested', 'sit|sat', 'stand|stood', 'fall|fell', 'wake|woke', 'work|worked',
  'play|played', 'listen|listened', 'whisper|whispered', 'hurry|hurried', 'wander|wandered',
  'return|returned', 'sigh|sighed', 'jump|jumped', 'hide|hid', 'stay|stayed', 'pray|prayed',
  'shiver|shivered', 'knock|knocked', 'hum|hummed', 'read|read', 'write|wrote',
];

/** Verbs for the weather and nature: "the wind blew", "the stars shone". */
// prettier-ignore
const NATURE_VERBS = [
  'blow|blew', 'shine|shone', 'glow|glowed', 'fall|fell', 'rise|rose', 'howl|howled',
  'roar|roared', 'fade|faded', 'sparkle|sparkled', 'drift|drifted', 'grow|grew', 'sing|sang',
];

const NUMBER_WORDS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twelve', 'a dozen', 'many', 'a few', 'some'];

/** Rhyming nouns for couplets; each group rhymes in sound and (mostly) in spelling. */
// prettier-ignore
const RHYMES = [
  ['cat', 'hat', 'mat', 'rat', 'bat'],
  ['hill', 'mill', 'sill', 'quill'],
  ['day', 'bay', 'hay', 'tray', 'clay'],
  ['sea', 'tree', 'bee', 'key', 'tea'],
  ['rain', 'lane', 'train', 'grain', 'chain', 'plain'],
  ['moon', 'spoon', 'tune', 'dune'],
  ['star', 'jar', 'car', 'bar'],
  ['boat', 'coat', 'goat', 'moat'],
  ['bell', 'well', 'shell', 'spell'],
  ['stone', 'bone', 'throne', 'cone'],
  ['cake', 'lake', 'snake', 'rake'],
  ['bread', 'bed', 'shed', 'thread', 'sled'],
  ['door', 'floor', 'shore', 'store'],
  ['king', 'ring', 'string', 'wing', 'spring'],
  ['night', 'light', 'kite', 'sight'],
  ['fox', 'box', 'rocks', 'socks'],
  ['fire', 'wire', 'spire', 'choir'],
  ['town', 'crown', 'gown'],
];

// ---------------------------------------------------------------------------------------
// Word forms.

function singular(noun: string): string {
  return noun.split('/')[0];
}

function plural(noun: string): string {
  const [s, p] = noun.split('/');
  if (p !== undefined) return p;
  if (/(s|sh|ch|x|z)$/.test(s)) return s + 'es';
  if (/[^aeiou]y$/.test(s)) return s.slice(0, -1) + 'ies';
  return s + 's';
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function base(verb: string): string {
  return verb.split('|')[0];
}

function past(verb: string): string {
  return verb.split('|')[1];
}

/** Third person singular present: "walks", "carries", "watches", "picks up". */
function third(verb: string): string {
  const words = base(verb).split(' ');
  const v = words[0];
  let t: string;
  if (v === 'have') t = 'has';
  else if (/(s|sh|ch|x|z|o)$/.test(v)) t = v + 'es';
  else if (/[^aeiou]y$/.test(v)) t = v.slice(0, -1) + 'ies';
  else t = v + 's';
  return [t, ...words.slice(1)].join(' ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------
// The grammar.

class Grammar {
  constructor(private readonly rng: Rng) {}

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.rng.next() * n);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  /** An entry of a list, skewed towards the front (u^1.6) so early words are common. */
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(list.length * Math.pow(this.rng.next(), 1.6))];
  }

  /** An entry of a list, all equally likely. */
  any<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  name(): string {
    return this.pick(NAMES);
  }

  /** A countable noun of any kind (no foods, which may be uncountable). */
  noun(): string {
    const r = this.int(10);
    return this.pick(r < 3 ? ANIMALS : r < 5 ? PEOPLE : r < 9 ? THINGS : NATURE);
  }

  creature(): string {
    return this.pick(this.chance(0.5) ? ANIMALS : PEOPLE);
  }

  adj(): string {
    return this.pick(ADJECTIVES);
  }

  /** "the old fox", "a lantern", "Alice", "the baker's cat". */
  nounPhrase(noun = this.noun()): string {
    const s = singular(noun);
    const r = this.int(10);
    if (r < 4) return `the ${s}`;
    if (r < 7) return `the ${this.adj()} ${s}`;
    if (r < 9) {
      const a = this.adj();
      return this.chance(0.5) ? `${article(a)} ${a} ${s}` : `${article(s)} ${s}`;
    }
    return `the ${singular(this.pick(PEOPLE))}'s ${s}`;
  }

  /** Someone who can act: a name or a person/animal phrase. */
  subject(): string {
    return this.chance(0.45) ? this.name() : this.nounPhrase(this.creature());
  }

  place(): string {
    const [p, prep] = this.pick(PLACES);
    return `${prep} ${p}`;
  }

  where(): string {
    const r = this.int(10);
    if (r < 5) return this.place();
    if (r < 8) return `${this.any(LOCATIONS)} ${this.pick(PLACES)[0]}`;
    return `in ${this.pick(TOWNS)}`;
  }

  food(): string {
    const f = this.pick(FOODS);
    if (MASS_FOODS.has(f)) return this.chance(0.5) ? `some ${f}` : f;
    const r = this.int(3);
    if (r === 0) return `${article(singular(f))} ${singular(f)}`;
    if (r === 1) return `${this.any(NUMBER_WORDS)} ${plural(f)}`;
    return `a basket of ${plural(f)}`;
  }

  /** An action in the past tense: "found the old key by the river". */
  pastAction(): string {
    const r = this.int(10);
    if (r < 5) {
      const v = this.pick(TRANSITIVE);
      const obj = this.chance(0.15) ? this.food() : this.nounPhrase();
      return this.chance(0.5) ? `${past(v)} ${obj} ${this.where()}` : `${past(v)} ${obj}`;
    }
    if (r < 8) {
      const v = this.pick(INTRANSITIVE);
      return this.chance(0.5) ? `${past(v)} ${this.where()}` : `${past(v)} ${this.any(ADVERBS)}`;
    }
    if (r < 9) return `was ${this.pick(MOODS)}`;
    return `went to ${this.chance(0.7) ? this.pick(PLACES)[0] : this.pick(TOWNS)}`;
  }

  /** A plain clause: "the grey fox found a key by the river". */
  clause(): string {
    if (this.chance(0.12)) {
      const n = singular(this.pick(NATURE));
      return `the ${n} ${past(this.pick(NATURE_VERBS))} ${this.chance(0.5) ? this.any(ADVERBS) : this.where()}`;
    }
    return `${this.subject()} ${this.pastAction()}`;
  }

  statement(): string {
    const r = this.int(12);
    if (r < 4) return capitalise(this.clause()) + '.';
    if (r < 6) return `${capitalise(this.any(TIMES))}, ${this.clause()}.`;
    if (r < 7) return `${capitalise(this.clause())}, and ${this.clause()}.`;
    if (r < 8) return `${capitalise(this.clause())}, but ${this.clause()}.`;
    if (r < 9) return `${capitalise(this.clause())} because ${this.clause()}.`;
    if (r < 10) {
      const a = this.adj();
      let b = this.adj();
      while (b === a) b = this.any(ADJECTIVES);
      return `${capitalise(this.nounPhrase())} was ${a} and ${b}.`;
    }
    if (r < 11) {
      const a = this.adj();
      return `There was ${article(a)} ${a} ${singular(this.noun())} ${this.where()}.`;
    }
    const n = this.name();
    return `${n} did not ${base(this.pick(TRANSITIVE))} ${this.nounPhrase()}, and ${this.chance(0.5) ? 'nobody' : 'everybody'} knew why.`;
  }

  question(): string {
    const r = this.int(10);
    if (r < 2) return `Where is ${this.nounPhrase()}?`;
    if (r < 3) return `Where did ${this.name()} go ${this.any(TIMES)}?`;
    if (r < 5) return `Did ${this.subject()} ${base(this.pick(TRANSITIVE))} ${this.nounPhrase()}?`;
    if (r < 6) return `Who ${past(this.pick(TRANSITIVE))} ${this.nounPhrase()}?`;
    if (r < 7) return `Why does ${this.nounPhrase(this.creature())} ${base(this.pick(INTRANSITIVE))} ${this.where()}?`;
    if (r < 8) return `What did ${this.name()} find ${this.where()}?`;
    if (r < 9) return `How many ${plural(this.noun())} are there ${this.place()}?`;
    return `Is it true that ${this.clause()}?`;
  }

  exclamation(): string {
    const r = this.int(5);
    if (r === 0) {
      const a = this.adj();
      return `What ${article(a)} ${a} ${singular(this.noun())}!`;
    }
    if (r === 1) return `Look at ${this.nounPhrase()}!`;
    if (r === 2) return `Oh, how ${this.adj()} the ${singular(this.pick(NATURE))} is tonight!`;
    if (r === 3) return `Run, ${this.name()}, run!`;
    return `Hurry, ${this.name()}, ${this.nounPhrase(this.creature())} is ${this.pick(MOODS)}!`;
  }

  /** Something a character says, in the first or second person. */
  utterance(listener: string): string {
    const r = this.int(16);
    switch (r) {
      case 0:
        return `Where is ${this.nounPhrase()}?`;
      case 1:
        return `I saw ${this.nounPhrase(this.creature())} ${this.where()}.`;
      case 2:
        return `I do not know.`;
      case 3:
        return `Yes, it is ${this.where()}.`;
      case 4:
        return `No, I have not seen it since ${this.any(SINCE)}.`;
      case 5:
        return `Bring me ${this.nounPhrase(this.pick(THINGS))}, ${listener}!`;
      case 6:
        return `Have you seen my ${singular(this.pick(THINGS))}, ${listener}?`;
      case 7:
        return `We must go to ${this.pick(PLACES)[0]} before ${this.chance(0.5) ? 'dark' : 'the storm'}.`;
      case 8: {
        const a = this.adj();
        return `It's ${article(a)} ${a} day in ${this.pick(TOWNS)}.`;
      }
      case 9:
        return `Don't ${base(this.pick(TRANSITIVE))} ${this.nounPhrase()}, ${listener}.`;
      case 10:
        return `I think ${this.clause()}.`;
      case 11:
        return `Let us meet at the café ${this.any(TIMES)}.`;
      case 12:
        return `${capitalise(this.food())}, please, and ${this.food()}.`;
      case 13:
        return `Why are you so ${this.pick(MOODS)}, ${listener}?`;
      case 14:
        return `Because ${this.clause()}.`;
      default:
        return this.chance(0.5) ? `Thank you, ${listener}.` : `Good ${this.any(['morning', 'evening', 'night'])}, ${listener}.`;
    }
  }

  /** Two speakers, two to five lines: "ALICE: Where is the old mill?". */
  dialogue(): string[] {
    const a = this.name();
    let b = this.name();
    while (b === a) b = this.any(NAMES);
    const lines: string[] = [];
    const turns = 2 + this.int(4);
    for (let i = 0; i < turns; i++) {
      const [speaker, listener] = i % 2 === 0 ? [a, b] : [b, a];
      lines.push(`${speaker.toUpperCase()}: ${this.utterance(listener)}`);
    }
    return lines;
  }

  /** A rhyming couplet or quatrain, one line each. */
  rhyme(): string[] {
    const couplet = (): string[] => {
      const group = this.any(RHYMES);
      const w1 = this.any(group);
      let w2 = this.any(group);
      while (w2 === w1) w2 = this.any(group);
      const line1 = this.any([
        `${capitalise(this.nounPhrase(this.creature()))} ${past(this.pick(INTRANSITIVE))} by the ${w1},`,
        `Over the ${this.adj()} ${w1},`,
        `Sing a song of the ${this.adj()} ${w1},`,
        `${this.name()} had a ${this.adj()} ${w1},`,
        `Up and down the ${w1},`,
      ]);
      const line2 = this.any([
        `and ${this.nounPhrase(this.creature())} ${past(this.pick(INTRANSITIVE))} under the ${w2}.`,
        `and under the ${this.adj()} ${w2}.`,
        `and ${this.name()} ${past(this.pick(TRANSITIVE))} the ${w2}.`,
        `all the way to the ${w2}.`,
        `with a ${this.adj()} ${w2}.`,
      ]);
      return [line1, line2];
    };
    return this.chance(0.6) ? couplet() : [...couplet(), ...couplet()];
  }

  list(): string {
    const items: string[] = [];
    const k = 2 + this.int(3);
    for (let i = 0; i < k; i++) {
      const r = this.int(3);
      if (r === 0) items.push(this.food());
      else if (r === 1) {
        const t = singular(this.pick(THINGS));
        items.push(`${article(t)} ${t}`);
      } else items.push(`${this.any(NUMBER_WORDS)} ${plural(this.pick(THINGS))}`);
    }
    const joined = items.slice(0, -1).join(', ') + ' and ' + items[items.length - 1];
    const r = this.int(4);
    if (r === 0) return `${this.name()} packed ${joined} for the journey.`;
    if (r === 1) return `On the table there were ${joined}.`;
    if (r === 2) return `In the ${singular(this.any(['basket', 'box', 'chest', 'cart']))} we found ${joined}.`;
    return `At the market ${this.name()} bought ${joined}.`;
  }

  /** Short sayings in the present tense. */
  saying(): string {
    const r = this.int(6);
    const n = singular(this.noun());
    if (r === 0) {
      const a = this.adj();
      return `${capitalise(article(a))} ${a} ${n} never ${third(this.pick(INTRANSITIVE))} ${this.any(ADVERBS)}.`;
    }
    if (r === 1) return `Every ${n} has its ${singular(this.noun())}.`;
    if (r === 2) return `The ${this.adj()} ${singular(this.creature())} ${third(this.pick(TRANSITIVE))} the ${singular(this.noun())}.`;
    if (r === 3)
      return `A ${singular(this.pick(THINGS))} in the hand is worth ${this.any(NUMBER_WORDS)} ${plural(this.pick(THINGS))} ${this.place()}.`;
    if (r === 4)
      return `When the ${singular(this.pick(NATURE))} ${third(this.pick(NATURE_VERBS))}, the ${singular(this.creature())} ${third(this.pick(INTRANSITIVE))}.`;
    return `Only a naïve ${singular(this.pick(PEOPLE))} ${third(this.pick(TRANSITIVE))} ${this.nounPhrase()}.`;
  }

  /** The rare lines with digits: times, counts, years. */
  numbers(): string {
    const r = this.int(4);
    if (r === 0) return `The train to ${this.pick(TOWNS)} leaves at ${1 + this.int(12)} o'clock.`;
    if (r === 1) return `There were ${2 + this.int(40)} ${plural(this.pick(ANIMALS))} ${this.place()}.`;
    if (r === 2)
      return `In ${1800 + this.int(200)} the ${singular(this.pick(PLACES)[0].replace('the ', ''))} ${this.any(['burned down', 'was built', 'was sold', 'was painted'])}.`;
    return `The ${singular(this.pick(THINGS))} cost ${2 + this.int(20)} pennies.`;
  }

  /** One template's worth of lines. */
  next(): string[] {
    const r = this.rng.next();
    if (r < 0.36) return [this.statement()];
    if (r < 0.48) return [this.question()];
    if (r < 0.68) return this.dialogue();
    if (r < 0.76) return this.rhyme();
    if (r < 0.83) return [this.list()];
    if (r < 0.89) return [this.saying()];
    if (r < 0.95) return [this.exclamation()];
    return [this.numbers()];
  }
}

/**
 * Text of at least `targetBytes` UTF-8 bytes (stopping at the end of a template), one
 * sentence per line, each line ending in '\n'. Same seed and size, same text.
 */
export function generateCorpus(seed: number, targetBytes: number): string {
  const g = new Grammar(new Rng(seed));
  const out: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    for (const line of g.next()) {
      out.push(line);
      bytes += Buffer.byteLength(line, 'utf8') + 1;
    }
  }
  return out.join('\n') + '\n';
}
