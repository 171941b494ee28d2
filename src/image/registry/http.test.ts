import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import {
  HttpTransport,
  insecureHostPolicy,
  isLoopbackHost,
  RegistryConnectionError,
  redactUrl,
} from './http.js';

describe('host policy', () => {
  test('loopback hosts', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]', '[::1]:5000']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of [
      'localhost.example.com',
      '128.0.0.1',
      '[::2]:5000',
      'registry.example.com',
      '10.0.0.1',
    ]) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });

  test('listed registries match exactly, and a listed host without port matches every port', () => {
    const insecure = insecureHostPolicy(['registry.internal:5000', 'http://Mirror.Internal/', 'other']);
    assert.equal(insecure('registry.internal:5000'), true);
    assert.equal(insecure('registry.internal:5001'), false);
    assert.equal(insecure('registry.internal'), false);
    assert.equal(insecure('mirror.internal:8443'), true);
    assert.equal(insecure('other'), true);
    assert.equal(insecure('docker.io'), false);
    assert.equal(insecure('127.0.0.1:5000'), true);
  });
});

test('redactUrl drops credentials, query and fragment', () => {
  assert.equal(
    redactUrl('https://user:pw@cdn.example.com:8443/blobs/x?X-Amz-Signature=secret#f'),
    'https://cdn.example.com:8443/blobs/x',
  );
});

describe('HttpTransport against a real plain-HTTP server', () => {
  async function withServer(run: (origin: string) => Promise<void>): Promise<void> {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await run(`127.0.0.1:${port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('HTTPS to a plain-HTTP server is a TLS connection error, in one readable line', async () => {
    await withServer(async (host) => {
      const transport = new HttpTransport({ insecureHost: () => false, timeoutMs: 5000 });
      try {
        await assert.rejects(
          transport.send({ method: 'GET', url: `https://${host}/v2/`, retry: false }),
          (err: unknown) => {
            assert.ok(err instanceof RegistryConnectionError);
            assert.equal(err.tls, true);
            assert.equal(err.context.url, `https://${host}/v2/`);
            assert.match(
              err.message,
              /^cannot reach https:\/\/127\.0\.0\.1:[0-9]+\/v2\/: TLS failed \(ERR_SSL_[A-Z_]+\)$/,
            );
            return true;
          },
        );
        const response = await transport.send({ method: 'GET', url: `http://${host}/v2/` });
        assert.equal(response.statusCode, 200);
        assert.equal(await response.body.text(), '{}');
      } finally {
        await transport.close();
      }
    });
  });
});
