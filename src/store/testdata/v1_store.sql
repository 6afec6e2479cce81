PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
INSERT INTO jobs VALUES(1,'dlc03w3q2jmkir4f','{"id":1,"public_id":"dlc03w3q2jmkir4f","tenant":"local","workspace":"1","user_id":"local-user","username":"local","name":"old-job-1","type":"PyTorchJob","command":"echo hello-1","roles":[{"role":"Worker","image":"pytorch:2.1"}],"tags":{"team":"a"},"payment_type":"PostPaid","extras":"{\"dlc\":{\"JobSpecs\":[{\"Type\":\"Worker\",\"Image\":\"pytorch:2.1\",\"PodCount\":1}],\"Settings\":{\"Tags\":{\"team\":\"a\"}}}}","status":10,"reason_code":"JobSucceeded","reason_message":"Job succeeded.","history":[{"start":1795758798760,"end":1795758798761},{"status":1,"start":1795758798761,"end":1795758798762},{"status":3,"start":1795758798762,"end":1795758798763},{"status":5,"start":1795758798763,"end":1795758798772},{"status":10,"start":1795758798772,"end":1795758798772,"reason_code":"JobSucceeded","reason_message":"Job succeeded."}],"pods":[{"name":"dlc03w3q2jmkir4f-worker-0","uid":"e427ef1a-2bda-453b-b19a-fc96a369d717","role":"Worker","status":"Succeeded","pid":23297,"exit_code":0,"created":1795758798763,"started":1795758798763,"finished":1795758798772}],"created":1795758798760,"submitted":1795758798761,"running":1795758798763,"finished":1795758798772,"succeeded":1795758798772,"modified":1795758798772}');
INSERT INTO jobs VALUES(2,'dlc1mih7vkfeqg3s','{"id":2,"public_id":"dlc1mih7vkfeqg3s","tenant":"local","workspace":"1","user_id":"local-user","username":"local","name":"old-job-2","type":"PyTorchJob","command":"echo hello-2","roles":[{"role":"Worker","image":"pytorch:2.1"}],"tags":{"team":"a"},"payment_type":"PostPaid","extras":"{\"dlc\":{\"JobSpecs\":[{\"Type\":\"Worker\",\"Image\":\"pytorch:2.1\",\"PodCount\":1}],\"Settings\":{\"Tags\":{\"team\":\"a\"}}}}","status":10,"reason_code":"JobSucceeded","reason_message":"Job succeeded.","history":[{"start":1795758798771,"end":1795758798772},{"status":1,"start":1795758798772,"end":1795758798773},{"status":3,"start":1795758798773,"end":1795758798775},{"status":5,"start":1795758798775,"end":1795758798786},{"status":10,"start":1795758798786,"end":1795758798786,"reason_code":"JobSucceeded","reason_message":"Job succeeded."}],"pods":[{"name":"dlc1mih7vkfeqg3s-worker-0","uid":"25afe94a-738c-4494-b3d5-bc7c8ecb2fce","role":"Worker","status":"Succeeded","pid":23300,"exit_code":0,"created":1795758798775,"started":1795758798775,"finished":1795758798786}],"created":1795758798771,"submitted":1795758798772,"running":1795758798775,"finished":1795758798786,"succeeded":1795758798786,"modified":1795758798786}');
CREATE TABLE changes (
  revision INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  job_id INTEGER NOT NULL
);
INSERT INTO changes VALUES(1,0,1);
INSERT INTO changes VALUES(2,0,1);
INSERT INTO changes VALUES(3,0,1);
INSERT INTO changes VALUES(4,0,1);
INSERT INTO changes VALUES(5,0,2);
INSERT INTO changes VALUES(6,0,2);
INSERT INTO changes VALUES(7,0,1);
INSERT INTO changes VALUES(8,0,2);
INSERT INTO changes VALUES(9,0,2);
INSERT INTO changes VALUES(10,0,2);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta VALUES('revision',10);
INSERT INTO meta VALUES('max_job_number',2);
INSERT INTO meta VALUES('installation_key',-3902384906660042400);
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  tenant TEXT NOT NULL,
  user TEXT NOT NULL,
  policy INTEGER NOT NULL,
  workspaces TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);
CREATE INDEX changes_by_revision ON changes(revision);
CREATE INDEX nonces_by_expiry ON nonces(expires);
COMMIT;
