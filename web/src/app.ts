/**
 * App shell: header (sensor, history, connection, language, user), the viewer, the alarm and sensor panels;
 * wires the REST client and the live stream to them.
 */
import type { FrequencyPlan, TrackedEmission } from '../../src/types.ts';
import { AlarmsPanel } from './alarms-panel.ts';
import type { ApiClient, SessionInfo } from './api.ts';
import { h } from './dom.ts';
import { HistoryView } from './history-view.ts';
import { formatNumber, onLangChange, t, translateDom } from './i18n.ts';
import { PlanPanel } from './plan-panel.ts';
import { RecordingControl } from './recording-control.ts';
import { RecordingsPanel } from './recordings-panel.ts';
import { ReportsMenu } from './reports-menu.ts';
import { SensorsPanel } from './sensors-panel.ts';
import { Viewer } from './viewer.ts';
import { StreamConnection } from './ws-client.ts';

export async function startApp(
  root: HTMLElement,
  api: ApiClient,
  session: SessionInfo,
  langSwitch: HTMLElement,
): Promise<void> {
  let plan: FrequencyPlan = { name: '', assignments: [] };
  const emissions = new Map<string, TrackedEmission>();
  let connected = false;

  const sensorSel = h('select', { id: 'sensor-select', 'data-i18n-title': 'sensor' });
  const conn = h('span', { class: 'conn', id: 'conn-status' });
  const planName = h('span', { class: 'plan-name', id: 'plan-name' });
  const logout = h('button', { type: 'button', id: 'logout', 'data-i18n': 'logout' });
  const userEl = h('span', { class: 'user', id: 'user' });
  const alarmsRoot = h('section', { class: 'panel alarms', id: 'alarms-panel' });
  const sensorsRoot = h('section', { class: 'panel sensors', id: 'sensors-panel' });

  let helloCount = 0;
  const stream = new StreamConnection(
    {
      onRow: (f) => viewer.onRow(f),
      onTrace: (id, db, s, e) => viewer.onTrace(id, db, s, e),
      onStatus: (ok) => {
        connected = ok;
        renderConn();
      },
      onMessage: (m) => {
        switch (m.type) {
          case 'hello':
            // Also after a reconnect: catch up on what happened while the link was down.
            if (helloCount++ > 0) {
              void alarms.load().catch(() => undefined);
              if (viewer.sensorId) reloadEmissions(viewer.sensorId);
            }
            sensors.set(m.sensors);
            fillSensorSelect();
            if (!viewer.sensorId && m.sensors[0]) selectSensor(m.sensors[0].id);
            break;
          case 'subscribed':
            if (m.sensorId === viewer.sensorId) viewer.setSpan(m.startHz, m.stopHz);
            break;
          case 'alarm':
            alarms.onEvent(m.event, m.alarm);
            break;
          case 'sensor':
            sensors.update(m.sensor);
            break;
          case 'emission':
            if (m.phase === 'end') emissions.delete(m.emission.id);
            else emissions.set(m.emission.id, m.emission);
            viewer.refreshPlan();
            break;
          case 'note':
            alarms.onNote(m.note);
            break;
          case 'plan-changed':
            void api.plan().then((p) => {
              plan = p;
              planName.textContent = `${t('plan')}: ${p.name}`;
              viewer.refreshPlan();
            });
            planPanel.onPlanChanged();
            break;
          case 'error':
            viewer.setStatus(`${m.code}: ${m.message}`);
            break;
          default:
            break;
        }
      },
    },
    async () => (await api.session()) !== null,
  );

  const viewer = new Viewer({
    subscribe: (sub) => stream.subscribe(sub),
    plan: () => plan,
    alarms: () => [...alarms.alarms.values()],
    emissions: () => [...emissions.values()],
  });
  const sensors = new SensorsPanel(
    sensorsRoot,
    (id) => selectSensor(id),
    () => viewer.sensorId,
  );
  const history = new HistoryView(
    api,
    viewer,
    () => [...alarms.alarms.values()],
    (id) => {
      if (id !== viewer.sensorId) selectSensor(id);
    },
  );
  const alarms: AlarmsPanel = new AlarmsPanel(alarmsRoot, api, {
    canAcknowledge: session.role !== 'viewer',
    onEvidence: (a) => void history.evidence(a),
    onChange: () => viewer.refreshPlan(),
  });
  const recording = new RecordingControl(api, () => viewer.sensorId);
  viewer.toolbarExtra.append(history.button, recording.button);
  const reports = new ReportsMenu(() => plan);
  const planPanel = new PlanPanel(api, session.role === 'admin', (p) => {
    plan = p;
    planName.textContent = `${t('plan')}: ${p.name}`;
    viewer.refreshPlan();
  });
  const recordings = new RecordingsPanel(api, session.role !== 'viewer', () => viewer.sensorId);

  function selectSensor(id: string): void {
    const s = sensors.sensors.get(id);
    if (!s) return;
    if (history.active) history.leave();
    sensorSel.value = id;
    viewer.selectSensor(id, s.centerHz, s.sampleRateHz);
    sensors.render();
    reloadEmissions(id);
  }

  function reloadEmissions(sensorId: string): void {
    void api
      .emissions(sensorId)
      .then((list) => {
        for (const [k, e] of emissions) if (e.sensorId === sensorId) emissions.delete(k);
        for (const e of list) emissions.set(e.id, e);
        viewer.refreshPlan();
      })
      .catch(() => undefined);
  }

  function fillSensorSelect(): void {
    sensorSel.replaceChildren(
      ...[...sensors.sensors.values()].map((s) =>
        h('option', { value: s.id, selected: s.id === viewer.sensorId }, `${s.name} (${s.id})`),
      ),
    );
  }
  sensorSel.onchange = () => selectSensor(sensorSel.value);

  function renderConn(): void {
    conn.textContent = connected ? t('connected') : t('reconnecting');
    conn.className = `conn ${connected ? 'ok' : 'bad'}`;
  }

  logout.onclick = () => {
    stream.close();
    void api.logout().finally(() => location.reload());
  };
  userEl.textContent = `${session.user} · ${t('role.' + session.role)}`;

  root.replaceChildren(
    h(
      'div',
      { class: 'app', id: 'app' },
      h(
        'header',
        { class: 'topbar' },
        h('strong', { class: 'brand' }, 'Bandwatch'),
        h('span', { class: 'app-title', 'data-i18n': 'appTitle' }),
        sensorSel,
        planName,
        h('span', { class: 'spacer' }),
        planPanel.button,
        recordings.button,
        reports.button,
        conn,
        langSwitch,
        userEl,
        logout,
      ),
      h(
        'main',
        { class: 'main-view' },
        h('div', { class: 'view-col' }, history.bar, viewer.el),
        h('aside', { class: 'side' }, alarmsRoot, sensorsRoot),
      ),
      planPanel.dialog.el,
      recordings.dialog.el,
      reports.dialog.el,
    ),
  );
  viewer.mount();
  translateDom(root);
  renderConn();

  const relabel = () => {
    translateDom(root);
    userEl.textContent = `${session.user} · ${t('role.' + session.role)}`;
    planName.textContent = `${t('plan')}: ${plan.name}`;
    renderConn();
    alarms.render();
    sensors.render();
    recording.label();
    planPanel.relabel();
    recordings.relabel();
    reports.relabel();
    viewer.relabel();
  };
  onLangChange(relabel);

  const [p, sensorList] = await Promise.all([api.plan(), api.sensors()]);
  plan = p;
  planName.textContent = `${t('plan')}: ${p.name}`;
  sensors.set(sensorList);
  fillSensorSelect();
  if (!viewer.sensorId && sensorList[0]) selectSensor(sensorList[0].id);
  await alarms.load();
  await recording.init(session.role !== 'viewer');
  viewer.refreshPlan();
  stream.connect();

  // Status line: renderer, row rate, frames the server dropped for us (slow link), sensor ages.
  let lastRows = 0;
  setInterval(() => {
    const rate = stream.rowsReceived - lastRows;
    lastRows = stream.rowsReceived;
    viewer.el.dataset.rows = String(viewer.rowsDrawn);
    viewer.setStatus(
      `${viewer.renderer.kind} · ${formatNumber(rate, 0)} rows/s · ${formatNumber(stream.droppedTotal, 0)} ${t('dropped')}`,
    );
    sensors.render();
  }, 1000);
  // Sensor counters (samples, last data) between sensor events: a cheap poll keeps the panel honest.
  setInterval(() => {
    api
      .sensors()
      .then((list) => sensors.set(list))
      .catch(() => undefined);
  }, 5000);
}
