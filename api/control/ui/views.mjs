// Every view of the inspector, in menu order. A view is a module exporting
// { id, title, render(container, params) }: render fills `container` (a
// fresh element each time) from the control endpoints and may be called
// again at any time. A new view (another journal, say) is one module
// added here.
import * as appInstances from './views/app_instances.mjs';
import * as channels from './views/channels.mjs';
import * as channel from './views/channel.mjs';
import * as sessions from './views/sessions.mjs';
import * as events from './views/events.mjs';
import * as flows from './views/flows.mjs';
import * as journal from './views/journal.mjs';
import * as eventbridge from './views/eventbridge.mjs';
import * as push from './views/push.mjs';
import * as bots from './views/bots.mjs';
import * as faults from './views/faults.mjs';
import * as controls from './views/controls.mjs';

export const views = [appInstances, channels, channel, sessions, events, flows, journal, eventbridge, push, bots, faults, controls];
