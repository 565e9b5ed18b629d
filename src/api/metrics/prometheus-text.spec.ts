import { formatValue, renderPrometheusText } from './prometheus-text';

describe('renderPrometheusText', () => {
  it('writes HELP and TYPE before the samples of each family', () => {
    const text = renderPrometheusText([
      {
        name: 'tuneforge_trials',
        help: 'Trials by state.',
        type: 'gauge',
        samples: [
          { name: 'tuneforge_trials', labels: { study: 'a', state: 'COMPLETE' }, value: 3 },
          { name: 'tuneforge_trials', labels: { study: 'a', state: 'FAIL' }, value: 0 },
        ],
      },
      {
        name: 'tuneforge_up',
        help: 'Up.',
        type: 'gauge',
        samples: [{ name: 'tuneforge_up', labels: {}, value: 1 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP tuneforge_trials Trials by state.',
        '# TYPE tuneforge_trials gauge',
        'tuneforge_trials{study="a",state="COMPLETE"} 3',
        'tuneforge_trials{study="a",state="FAIL"} 0',
        '# HELP tuneforge_up Up.',
        '# TYPE tuneforge_up gauge',
        'tuneforge_up 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text as the format says', () => {
    const text = renderPrometheusText([
      {
        name: 'x',
        help: 'a \\ b\nc',
        type: 'counter',
        samples: [{ name: 'x', labels: { study: 'say "hi"\\\n' }, value: 1 }],
      },
    ]);
    expect(text).toContain('# HELP x a \\\\ b\\nc\n');
    expect(text).toContain('x{study="say \\"hi\\"\\\\\\n"} 1\n');
  });

  it('names the special values', () => {
    expect([NaN, Infinity, -Infinity, 0.25, 1e-7].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '0.25',
      '1e-7',
    ]);
  });

  it('refuses names the format cannot carry', () => {
    expect(() => renderPrometheusText([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(
      /invalid metric name 'bad-name'/,
    );
    expect(() =>
      renderPrometheusText([
        { name: 'ok', help: '', type: 'gauge', samples: [{ name: 'ok', labels: { 'a-b': 'x' }, value: 1 }] },
      ]),
    ).toThrow(/invalid label name 'a-b'/);
  });
});
