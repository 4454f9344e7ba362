import { describe, expect, it } from 'vitest';
import { MESSAGES, setLang, t } from '../../web/src/i18n.ts';
import { adcOverloadPct } from '../../web/src/sensors-panel.ts';

describe('sensors panel: ADC overload figure', () => {
  it('shows the clipped fraction while overloaded or over 1 %, in the console language', () => {
    setLang('vi', null);
    expect(adcOverloadPct({ clippedFraction: 0.0321, adcOverload: true })).toBe('3,2 %');
    expect(`${t('adcOverload')} ${adcOverloadPct({ clippedFraction: 0.0321 })!}`).toBe('Quá tải ADC 3,2 %');
    // Still overloaded (clean run not yet 5 s long): the alarm state keeps the figure up.
    expect(adcOverloadPct({ clippedFraction: 0, adcOverload: true })).toBe('0,0 %');
    setLang('en', null);
    expect(`${t('adcOverload')} ${adcOverloadPct({ clippedFraction: 0.0321, adcOverload: true })!}`).toBe(
      'ADC overload 3.2 %',
    );
    expect(t('adcOverloadAdvice')).toBe('Lower the gain');
    setLang('vi', null);
  });

  it('shows nothing for a healthy sensor, at exactly 1 %, or before the first measurement', () => {
    expect(adcOverloadPct({ clippedFraction: 0.004 })).toBeNull();
    expect(adcOverloadPct({ clippedFraction: 0.01, adcOverload: false })).toBeNull();
    expect(adcOverloadPct({})).toBeNull();
    expect(adcOverloadPct({ adcOverload: true })).toBe('—');
  });

  it('has the advice in both languages', () => {
    expect(MESSAGES.vi.adcOverloadHint).toMatch(/quá tải.*giảm độ khuếch đại/is);
    expect(MESSAGES.en.adcOverloadHint).toMatch(/overloaded.*lower the gain/is);
  });
});
