-- The analytics stream job: event-time windowed KPIs of the interaction events and the orders, written exactly once
-- to the analytics-results topic (docs/analytics.md). One file, one Flink job; each `${...}` placeholder is filled from the
-- environment by the launcher (services/analytics/flink), locally and on a cluster alike.
--
-- Watermarks trail the largest event time seen by ANALYTICS_LATENESS_SECONDS: an event may arrive that much behind
-- the newest one and still count in its window; a window closes, and its result is written, when the watermark
-- passes its end. Events later than that are dropped by the window operators (Flink's numLateRecordsDropped).

CREATE TEMPORARY FUNCTION parse_instant AS 'com.platform.analytics.ParseInstant';

-- events.click, events.view, events.cart, events.purchase (TrackedEvent in platform-events.asyncapi.yaml)
CREATE TABLE interactions (
  eventId STRING,
  sessionId STRING,
  `type` STRING,
  ts STRING,
  experiment ROW<`key` STRING, `variant` STRING>,
  -- an unreadable time becomes the epoch, which every window has long passed: dropped as late, never a crash
  event_time AS COALESCE(parse_instant(ts), TO_TIMESTAMP_LTZ(0, 3)),
  WATERMARK FOR event_time AS event_time - INTERVAL '${ANALYTICS_LATENESS_SECONDS}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${ANALYTICS_EVENT_TOPICS}',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS}',
  'properties.group.id' = '${ANALYTICS_GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = '${ANALYTICS_OFFSET_RESET}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- orders (OrderEvent): the placement event (status pending) counts the order once; status changes do not
CREATE TABLE orders (
  eventId STRING,
  orderId STRING,
  total DECIMAL(18, 2),
  status STRING,
  items ARRAY<ROW<productId STRING, quantity INT, price DECIMAL(18, 2)>>,
  occurredAt STRING,
  order_time AS COALESCE(parse_instant(occurredAt), TO_TIMESTAMP_LTZ(0, 3)),
  WATERMARK FOR order_time AS order_time - INTERVAL '${ANALYTICS_LATENESS_SECONDS}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${ANALYTICS_ORDERS_TOPIC}',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS}',
  'properties.group.id' = '${ANALYTICS_GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = '${ANALYTICS_OFFSET_RESET}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- analytics-results (WindowResult): keyed by the window's identity, the key the PostgreSQL projection upserts by
CREATE TABLE analytics_results (
  `resultKey` STRING,
  `kind` STRING,
  `window` STRING,
  `windowStart` STRING,
  `windowEnd` STRING,
  `experiment` ROW<`key` STRING, `variant` STRING>,
  `views` BIGINT,
  `clicks` BIGINT,
  `carts` BIGINT,
  `purchases` BIGINT,
  `sessions` BIGINT,
  `convertedSessions` BIGINT,
  `ctr` DOUBLE,
  `conversionRate` DOUBLE,
  `orders` BIGINT,
  `revenue` DECIMAL(18, 2),
  `averageOrderValue` DECIMAL(18, 2),
  `rank` INT,
  `productId` STRING,
  `quantity` BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${ANALYTICS_RESULTS_TOPIC}',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS}',
  'key.format' = 'raw',
  'key.fields' = 'resultKey',
  'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.json.encode.ignore-null-fields' = 'true',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${ANALYTICS_TRANSACTIONAL_ID_PREFIX}',
  -- below the broker's transaction.max.timeout.ms (15 minutes by default), above the checkpoint interval
  'properties.transaction.timeout.ms' = '600000'
);

-- every event once for all traffic (experiment '') and once more under its experiment variant, when it has one
CREATE TEMPORARY VIEW scoped_events AS
SELECT sessionId AS session_id, `type` AS event_type, event_time, '' AS experiment_key, '' AS variant_name
FROM interactions
UNION ALL
SELECT sessionId, `type`, event_time, experiment.`key`, experiment.`variant`
FROM interactions
WHERE experiment IS NOT NULL AND experiment.`key` IS NOT NULL AND experiment.`variant` IS NOT NULL;

CREATE TEMPORARY VIEW placed_orders AS
SELECT order_time, total FROM orders WHERE status = 'pending';

-- the items of each placed order, for the top products
CREATE TEMPORARY VIEW order_lines AS
SELECT o.order_time, i.productId AS product_id, CAST(i.quantity AS BIGINT) AS quantity, i.price * i.quantity AS line_revenue
FROM orders AS o CROSS JOIN UNNEST(o.items) AS i (productId, quantity, price)
WHERE o.status = 'pending';

-- one INSERT, so one exactly-once Kafka sink (one transactional id prefix) writes every result
INSERT INTO analytics_results
SELECT
  CONCAT_WS('|', 'interactions', size, window_start_text, experiment_key, variant_name),
  'interactions', size, window_start_text, window_end_text,
  CASE WHEN experiment_key = '' THEN CAST(NULL AS ROW<`key` STRING, `variant` STRING>)
       ELSE ROW(experiment_key, variant_name) END,
  n_views, n_clicks, n_carts, n_purchases, n_sessions, n_converted,
  CASE WHEN n_views = 0 THEN 0.0 ELSE CAST(n_clicks AS DOUBLE) / n_views END,
  CASE WHEN n_sessions = 0 THEN 0.0 ELSE CAST(n_converted AS DOUBLE) / n_sessions END,
  CAST(NULL AS BIGINT), CAST(NULL AS DECIMAL(18, 2)), CAST(NULL AS DECIMAL(18, 2)),
  CAST(NULL AS INT), CAST(NULL AS STRING), CAST(NULL AS BIGINT)
FROM (
  SELECT
    '1m' AS size,
    DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS window_start_text,
    DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS window_end_text,
    experiment_key, variant_name,
    COUNT(*) FILTER (WHERE event_type = 'view') AS n_views,
    COUNT(*) FILTER (WHERE event_type = 'click') AS n_clicks,
    COUNT(*) FILTER (WHERE event_type = 'cart') AS n_carts,
    COUNT(*) FILTER (WHERE event_type = 'purchase') AS n_purchases,
    COUNT(DISTINCT session_id) AS n_sessions,
    COUNT(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS n_converted
  FROM TABLE(TUMBLE(TABLE scoped_events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
  GROUP BY window_start, window_end, experiment_key, variant_name
  UNION ALL
  SELECT
    '1h',
    DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
    DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
    experiment_key, variant_name,
    COUNT(*) FILTER (WHERE event_type = 'view'),
    COUNT(*) FILTER (WHERE event_type = 'click'),
    COUNT(*) FILTER (WHERE event_type = 'cart'),
    COUNT(*) FILTER (WHERE event_type = 'purchase'),
    COUNT(DISTINCT session_id),
    COUNT(DISTINCT session_id) FILTER (WHERE event_type = 'purchase')
  FROM TABLE(TUMBLE(TABLE scoped_events, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
  GROUP BY window_start, window_end, experiment_key, variant_name
)

UNION ALL

SELECT
  CONCAT_WS('|', 'orders', '5m', window_start_text),
  'orders', '5m', window_start_text, window_end_text, CAST(NULL AS ROW<`key` STRING, `variant` STRING>),
  CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE),
  n_orders, revenue, CAST(revenue / n_orders AS DECIMAL(18, 2)),
  CAST(NULL AS INT), CAST(NULL AS STRING), CAST(NULL AS BIGINT)
FROM (
  SELECT
    DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS window_start_text,
    DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS window_end_text,
    COUNT(*) AS n_orders,
    CAST(SUM(total) AS DECIMAL(18, 2)) AS revenue
  FROM TABLE(TUMBLE(TABLE placed_orders, DESCRIPTOR(order_time), INTERVAL '5' MINUTE))
  GROUP BY window_start, window_end
)

UNION ALL

-- the window's best sellers by quantity (ties: the smaller product id first)
SELECT
  CONCAT_WS('|', 'top-product', '5m', DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z'''), CAST(row_num AS STRING)),
  'top-product', '5m',
  DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
  DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
  CAST(NULL AS ROW<`key` STRING, `variant` STRING>),
  CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE),
  CAST(NULL AS BIGINT), revenue, CAST(NULL AS DECIMAL(18, 2)),
  CAST(row_num AS INT), product_id, quantity
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY quantity DESC, product_id ASC) AS row_num
  FROM (
    SELECT window_start, window_end, product_id, SUM(quantity) AS quantity,
           CAST(SUM(line_revenue) AS DECIMAL(18, 2)) AS revenue
    FROM TABLE(TUMBLE(TABLE order_lines, DESCRIPTOR(order_time), INTERVAL '5' MINUTE))
    GROUP BY window_start, window_end, product_id
  )
)
WHERE row_num <= ${ANALYTICS_TOP_PRODUCTS};
