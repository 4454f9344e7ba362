/** rtl_tcp: wire protocol, client (a remote dongle as a TunableIqDevice) and server (share any TunableIqDevice). */
export * from './protocol.ts';
export * from './errors.ts';
export { RtlTcpClient, type RtlTcpClientOptions, type RtlTcpClientEvents } from './client.ts';
export { RtlTcpServer, type RtlTcpServerOptions, type RtlTcpServerStats, type RtlTcpClientStats } from './server.ts';
