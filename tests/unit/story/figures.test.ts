import { describe, expect, it } from 'vitest';
import { parseStory } from '../../../functions/story/parse-story.ts';

const HEADER = 'v1.0\nA Title\n2024-01-01 00:00:00\n\n';

/** The figures of a one-paragraph story, as `text|value|kind|unit|qualifier` strings. */
function figuresOf(body: string): string[] {
  return parseStory(HEADER + body, { key: 'figures.txt' }).figures.map(
    (figure) => `${figure.text}|${figure.value}|${figure.kind}|${figure.unit}|${figure.qualifier ?? ''}`,
  );
}

describe('figure extraction', () => {
  it.each([
    [
      'Revenue hit $1.2bn and USD1.2bn and RMB5bn.',
      [
        '$1.2bn|1200000000|currency|USD|',
        'USD1.2bn|1200000000|currency|USD|',
        'RMB5bn|5000000000|currency|CNY|',
      ],
    ],
    [
      'A $1.5-billion deal and 1.5 bln dollars.',
      ['$1.5-billion|1500000000|currency|USD|', '1.5 bln dollars|1500000000|currency|USD|'],
    ],
    [
      'It cost 12 million yuan ($1.7 million).',
      ['12 million yuan|12000000|currency|CNY|', '$1.7 million|1700000|currency|USD|'],
    ],
    [
      'Over RMB 5 billion went to 3 million pounds sterling.',
      ['Over RMB 5 billion|5000000000|currency|CNY|over', '3 million pounds sterling|3000000|currency|GBP|'],
    ],
    [
      'Prices fell -0.3% and (−1.5%) and rose 5pc.',
      ['-0.3%|-0.3|percent|%|', '−1.5%|-1.5|percent|%|', '5pc|5|percent|%|'],
    ],
    [
      'Growth of 10-15% over 3-5 years.',
      ['10|10|percent|%|', '15%|15|percent|%|', 'over 3|3|duration|years|over', '5 years|5|duration|years|'],
    ],
    [
      'It costs $3-5 billion, 3 to 5 billion yuan or about 5 to 7 percent; between 2 and 3 million units.',
      [
        '$3|3000000000|currency|USD|',
        '5 billion|5000000000|currency|USD|',
        '3|3000000000|currency|CNY|',
        '5 billion yuan|5000000000|currency|CNY|',
        'about 5|5|percent|%|about',
        '7 percent|7|percent|%|',
        '2|2000000|count|units|',
        '3 million units|3000000|count|units|',
      ],
    ],
    ['Over the next 5-10 years.', ['the next 5|5|duration|years|', '10 years|10|duration|years|']],
    [
      'Between 2019 and 2023 and from 2010 to 2015.',
      [
        'Between 2019|2019|year|year|',
        '2023|2023|year|year|',
        'from 2010|2010|year|year|',
        'to 2015|2015|year|year|',
      ],
    ],
    ['By the end of 2025 and as of 2023.', ['of 2025|2025|year|year|', 'of 2023|2023|year|year|']],
    [
      'A 24-hour strike, a 100-day plan and a five-year period.',
      ['24-hour|24|duration|hours|', '100-day|100|duration|days|', 'five-year|5|duration|years|'],
    ],
    [
      'Two years later, nearly three decades on, ten per cent.',
      [
        'Two years|2|duration|years|',
        'nearly three decades|3|duration|decades|nearly',
        'ten per cent|10|percent|%|',
      ],
    ],
    [
      'It rose 3.5 times to 1,000 state-owned enterprises.',
      ['1,000 state-owned enterprises|1000|count|state-owned enterprises|'],
    ],
    [
      'Top 10 companies, 8 out of 10 people, 10,000 GPUs.',
      // `10 people` of `8 out of 10 people` is the whole of a ratio, not a count
      ['10 companies|10|count|companies|', '10,000 GPUs|10000|count|GPUs|'],
    ],
    [
      'China\u2019s 5 largest banks hired 500 staff.',
      ['5 largest banks|5|count|largest banks|', '500 staff|500|count|staff|'],
    ],
    [
      'It costs 5 € now, 2.5€ later and about 40 £ in London; ¥ 9 is before.',
      [
        '5 €|5|currency|EUR|',
        '2.5€|2.5|currency|EUR|',
        'about 40 £|40|currency|GBP|about',
        '¥ 9|9|currency|JPY|',
      ],
    ],
    [
      'Up to 2000 people came; a team of 2000 engineers; the summer of 2023; from 2020 to 2024.',
      [
        'Up to 2000 people|2000|count|people|up to',
        '2000 engineers|2000|count|engineers|',
        'of 2023|2023|year|year|',
        'from 2020|2020|year|year|',
        'to 2024|2024|year|year|',
      ],
    ],
    [
      'It runs 100 gas stations, 20 logistics hubs, 5 news channels and 3 Texas plants.',
      [
        '100 gas stations|100|count|gas stations|',
        '20 logistics hubs|20|count|logistics hubs|',
        '5 news channels|5|count|news channels|',
        '3 Texas plants|3|count|Texas plants|',
      ],
    ],
    [
      'A 5-billion-yuan fund, a 5.2-percent rate and a $5-billion deal.',
      [
        '5-billion-yuan|5000000000|currency|CNY|',
        '5.2-percent|5.2|percent|%|',
        '$5-billion|5000000000|currency|USD|',
      ],
    ],
    [
      'It has 3 million small and medium-sized enterprises and 10 research and development centers.',
      [
        '3 million small and medium-sized enterprises|3000000|count|small and medium-sized enterprises|',
        '10 research and development centers|10|count|research and development centers|',
      ],
    ],
    [
      'It has 30 US companies, 50 NHS trusts, 200 police officers and 500 more engineers; in 2023 and 2024.',
      [
        '30 US companies|30|count|US companies|',
        '50 NHS trusts|50|count|NHS trusts|',
        '200 police officers|200|count|police officers|',
        '500 more engineers|500|count|more engineers|',
        'in 2023|2023|year|year|',
        '2024|2024|year|year|',
      ],
    ],
    ['Inflation was .5% and the city spent $.5bn.', ['.5%|0.5|percent|%|', '$.5bn|500000000|currency|USD|']],
    [
      'Meanwhile 80 companies joined. Recently 12 firms left: "Overall 3 years passed."',
      ['80 companies|80|count|companies|', '12 firms|12|count|firms|', '3 years|3|duration|years|'],
    ],
  ])('reads %s', (body, expected) => {
    expect(figuresOf(body)).toEqual(expected);
  });

  it.each([
    [
      'numbers glued to letters',
      '5G networks, G20 talks, COVID-19 cases, 3D printers, FY2024 plans, Q3 2024 sales.',
    ],
    [
      'numbers after a capitalised name',
      'Windows 11 users, Boeing 737 pilots, iPhone 15 buyers, the S&P 500 index, Chapter 11 cases.',
    ],
    [
      'names that start a sentence',
      'Windows 11 users grew. Boeing 737 pilots flew. In Sicily 80 farms are a name.',
    ],
    [
      'years without a preposition',
      'Euro 2024 was held in the [2024] season; the 2024 Olympics and the 1980s boom.',
    ],
    ['clock times, ratios, ordinals and versions', 'At 3:30 on 24/7 duty she came 15th with version 1.2.3.'],
    ['idioms and ages', 'One day he left; the 15-year-old student; the 14th Five-Year Plan; 3 times larger.'],
    ['bare numbers without a unit', 'The population reached 1.4 billion and the index hit 500.'],
    ['the thousands group of a number typeset with a no-break space', 'It has 887\u202f000 base stations.'],
    ['ratios', '3 in 4 voters agreed, as did about 3 in 10 adults and one out of 5 firms.'],
  ])('ignores %s', (_label, body) => {
    expect(figuresOf(body)).toEqual([]);
  });

  it('gives each figure the citations of its paragraph', () => {
    const document = parseStory(`${HEADER}Sales rose 5% [aaaa1111] [BBBB2222].\n\nNo sources for 10 firms.`, {
      key: 'a.txt',
    });
    expect(document.figures.map((figure) => [figure.paragraph, figure.citations])).toEqual([
      [0, ['aaaa1111', 'bbbb2222']],
      [1, []],
    ]);
  });

  it('takes the figure text from the paragraph text', () => {
    const document = parseStory(`${HEADER}Nearly   40%\u00a0of voters [aaaa1111] backed 2\nnew laws.`, {
      key: 'a.txt',
    });
    const paragraph = document.paragraphs[0]?.text ?? '';
    expect(paragraph).toBe('Nearly 40% of voters backed 2 new laws.');
    expect(document.figures.map((figure) => figure.text)).toEqual(['Nearly 40%', '2 new laws']);
    for (const figure of document.figures) expect(paragraph).toContain(figure.text);
  });

  it('writes a signed zero as 0, which survives JSON (found by fuzzing: `-0%`)', () => {
    const [figure] = parseStory(`${HEADER}Inflation was -0% last month.`, { key: 'figures.txt' }).figures;
    expect(figure?.text).toBe('-0%');
    expect(Object.is(figure?.value, -0)).toBe(false);
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });
});
