import { clear, h } from '../dom';
import { echarts } from './echarts';
import { markSeries } from './series-summary';
import type { ChartSpec } from './theme';

type Chart = ReturnType<typeof echarts.init>;

/**
 * A titled section of the study page holding the charts of one plot. `update` redraws in place: the
 * chart instances stay, so a live refresh does not flicker or lose the reader's tooltip position.
 */
export class ChartPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private charts: Chart[] = [];
  private boxes: HTMLElement[] = [];

  constructor(
    readonly plot: string,
    title: string,
    private readonly emptyText: string,
    wide = false,
  ) {
    this.body = h('div', { class: 'panel-body' });
    this.element = h(
      'section',
      { class: `panel${wide ? ' wide' : ''}`, 'data-plot': plot },
      h('h2', {}, title),
      this.body,
    );
  }

  update(specs: readonly ChartSpec[]): void {
    while (this.charts.length > specs.length) {
      this.charts.pop()!.dispose();
      this.boxes.pop()!.remove();
    }
    if (specs.length === 0) {
      this.body.querySelector('.empty')?.remove();
      this.body.appendChild(h('p', { class: 'empty' }, this.emptyText));
      return;
    }
    this.body.querySelector('.empty')?.remove();
    specs.forEach((spec, i) => {
      if (i === this.charts.length) {
        const box = h('div', { class: 'chart' });
        this.body.appendChild(box);
        this.boxes.push(box);
        this.charts.push(echarts.init(box, null, { renderer: 'canvas' }));
      }
      const box = this.boxes[i];
      box.classList.toggle('wide', spec.wide === true);
      const height = `${spec.height ?? 320}px`;
      if (box.style.height !== height) {
        box.style.height = height;
        this.charts[i].resize();
      }
      this.charts[i].setOption({ animation: false, ...spec.option }, { notMerge: true });
      markSeries(box, this.charts[i]);
    });
  }

  resize(): void {
    for (const chart of this.charts) chart.resize();
  }

  dispose(): void {
    for (const chart of this.charts) chart.dispose();
    this.charts = [];
    this.boxes = [];
    clear(this.body);
  }
}
