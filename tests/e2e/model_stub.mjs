// A stand-in for the model server a user brings (vLLM, Ollama, LMDeploy):
// an HTTP server speaking the OpenAI wire format, with deterministic
// answers, for the dataset jobs that call models.
//
//   POST /v1/chat/completions  the image's tags: "photo", its byte count,
//                              and the words of its bytes (a test's "image"
//                              is text such as "red-car"); an image whose
//                              bytes hold "fail-me" answers 500
//   POST /v1/embeddings        a vector per input (text, or an image in the
//                              chat form), from its words; "fail-me": 500
//
// Every request is recorded (path, authorization, body) in `requests`.
import http from 'node:http';

export async function startModelStub() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const body = JSON.parse(text || '{}');
      requests.push({ path: req.url, authorization: req.headers.authorization, body });
      const reply = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        const image = body.messages?.[0]?.content?.find((c) => c.type === 'image_url')?.image_url?.url ?? '';
        const bytes = Buffer.from(image.replace(/^data:[^;]*;base64,/, ''), 'base64').toString();
        if (bytes.includes('fail-me')) return reply(500, { error: { message: 'the model cannot see this image' } });
        const words = bytes.split(/[^a-z]+/).filter(Boolean);
        // Repeats, blanks and a Chinese comma: Drover must clean them up.
        const content = ['photo', `bytes-${bytes.length}`, ...words, 'photo', ' '].join(', ') + '，stub';
        return reply(200, { id: 'chatcmpl-1', object: 'chat.completion', model: body.model,
                            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] });
      }
      if (req.method === 'POST' && req.url === '/v1/embeddings') {
        const vocabulary = ['red', 'blue', 'car', 'sky', 'dog', 'cat', 'tree', 'road'];
        // A multimodal request (vLLM's chat form): the image's bytes as its text.
        const inputs = body.messages
          ? [Buffer.from((body.messages[0].content.find((c) => c.type === 'image_url')?.image_url?.url ?? '')
              .replace(/^data:[^;]*;base64,/, ''), 'base64').toString()]
          : [body.input].flat();
        if (inputs.some((i) => String(i).includes('fail-me'))) return reply(500, { error: { message: 'cannot embed this' } });
        const data = inputs.map((input, index) => {
          const words = String(input).toLowerCase().split(/[^a-z]+/);
          const v = vocabulary.map((w) => words.filter((x) => x === w).length + 0.01);
          const norm = Math.hypot(...v);
          return { object: 'embedding', index, embedding: v.map((x) => x / norm) };
        });
        return reply(200, { object: 'list', model: body.model, data });
      }
      reply(404, { error: { message: `no route ${req.method} ${req.url}` } });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
