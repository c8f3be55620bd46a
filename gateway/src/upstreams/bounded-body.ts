// A body sent without Content-Length (chunked) is read at the gateway up to the services' limit: an oversized one gets the same
// 413 as a declared one, instead of a service cutting the upload (a 502, and an instance marked down); one that fits is forwarded
// with its length.
import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PayloadTooLarge } from '@portcullis/shared/errors'

function readUpTo(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      stop()
      // Discard the rest, so the 413 can still be written; the connection is closed after it.
      stream.resume()
      reject(new PayloadTooLarge())
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
  })
}

/** Reads a chunked body into memory (at most `limit` bytes) and hands it on as a body of known length. */
export async function boundChunkedBody(request: FastifyRequest, reply: FastifyReply, limit: number): Promise<void> {
  const body = request.body
  if (request.headers['content-length'] !== undefined || !(body instanceof Readable)) return
  let buffered: Buffer
  try {
    buffered = await readUpTo(body, limit)
  } catch (error) {
    reply.header('connection', 'close')
    throw error
  }
  // reply-from copies these headers to the service's request and pipes the body.
  delete request.headers['transfer-encoding']
  request.headers['content-length'] = String(buffered.length)
  request.body = Readable.from(buffered.length > 0 ? [buffered] : [])
}
