#!/usr/bin/env python3
"""How well can the generator's planted customer types be recovered at all? (issue 5, point 7)

Reads one landing date written by `cpm generate-sample` (orders, order lines, activities) and the planted truth
(`truth/customers.csv`), builds per-customer features as of the run date, and reports the adjusted Rand index
(ARI) between the planted types and
  1. k-means labels (scikit-learn, k picked by silhouette as `cpm segment` does) on richer features than the
     default cluster features: 12-month value and frequency, recency, 90-day activities, order and activity trend
     against the customer's own earlier rate, seasonality (largest 3-month share of 12-month orders), tenure;
  2. a supervised classifier (gradient boosting, 5-fold cross-validated predictions) that is *told* the types,
     on the same aggregates and then on the full monthly order and activity histories.
The supervised ARI is an upper bound for any unsupervised clustering on those inputs: if a model trained on the
answers cannot reach ARI 0.8, k-means cannot either. Prospects (no orders, never clustered) are left out.

Needs python3 with pandas and scikit-learn (Debian: apt install python3-pandas python3-sklearn). Not part of the
build. Example, on the data PlantedTruthFeaturesIT leaves behind:

  d=$(ls -td jobs/target/tmp/cpm-test-*/planted-truth-* | head -1)
  python3 scripts/planted-types-bound.py --landing $d/landing/2025-03-31 --truth $d/truth/customers.csv \
      --as-of 2025-03-31
"""
import argparse

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.model_selection import cross_val_predict


def log1p(x):
    return np.log1p(np.maximum(x, 0))


def features(landing, as_of):
    orders = pd.read_csv(f"{landing}/erp/orders.csv", parse_dates=["order_date"])
    lines = pd.read_csv(f"{landing}/erp/order_lines.csv.gz")
    lines["amount"] = lines["quantity"] * lines["unit_price"]
    orders["amount"] = orders["order_id"].map(lines.groupby("order_id")["amount"].sum()).fillna(0)
    orders["age"] = (as_of - orders["order_date"]).dt.days
    acts = pd.read_csv(f"{landing}/crm/activities.csv", parse_dates=["occurred_at"])
    acts["age"] = (as_of - acts["occurred_at"].dt.normalize()).dt.days

    def count(frame, lo, hi):
        return frame[(frame.age >= lo) & (frame.age < hi)].groupby("customer_id").size()

    f = pd.DataFrame({
        "monetary_12m": orders[orders.age < 365].groupby("customer_id")["amount"].sum(),
        "frequency_12m": count(orders, 0, 365),
        "recency_days": orders.groupby("customer_id")["age"].min(),
        "tenure_days": orders.groupby("customer_id")["age"].max(),
        "orders_90d": count(orders, 0, 90),
        "orders_90_365d": count(orders, 90, 365),
        "activities_90d": count(acts, 0, 90),
        "activities_90_365d": count(acts, 90, 365),
    })
    f = f[f.recency_days.notna()].fillna(0)
    months = orders[orders.age < 365].assign(m=lambda o: (o.age // 30.4375).astype(int).clip(0, 11))
    monthly = months.groupby(["customer_id", "m"]).size().unstack(fill_value=0).reindex(
        index=f.index, columns=range(12), fill_value=0).values
    three = monthly + np.roll(monthly, -1, 1) + np.roll(monthly, -2, 1)
    f["peak_3m_share"] = three.max(1) / np.maximum(monthly.sum(1), 1)
    histories = []
    for frame, prefix in ((orders, "o"), (acts, "a")):
        m = frame.assign(m=(frame.age // 30).clip(0, 17))
        histories.append(m.groupby(["customer_id", "m"]).size().unstack(fill_value=0).add_prefix(prefix))
    history = f.join(histories[0]).join(histories[1]).fillna(0)
    return f, history


def cluster_space(f):
    return pd.DataFrame({
        "monetary": log1p(f.monetary_12m), "frequency": log1p(f.frequency_12m), "recency": log1p(f.recency_days),
        "activities": log1p(f.activities_90d),
        "order_trend": np.log((f.orders_90d + 0.5) / (f.orders_90_365d / 3 + 0.5)),
        "activity_trend": np.log((f.activities_90d + 0.5) / (f.activities_90_365d / 3 + 0.5)),
        "seasonality": f.peak_3m_share, "tenure": log1p(f.tenure_days)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", required=True, help="landing folder of one run date")
    parser.add_argument("--truth", required=True, help="truth/customers.csv from cpm generate-sample")
    parser.add_argument("--as-of", required=True, help="run date, YYYY-MM-DD")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    f, history = features(args.landing, pd.Timestamp(args.as_of))
    types = pd.read_csv(args.truth).set_index("customer_id")["latent_type"].reindex(f.index)
    print(f"{len(f)} customers with orders; planted types: {types.value_counts().to_dict()}")

    x = cluster_space(f)
    z = ((x - x.mean()) / x.std(ddof=0)).values
    for k in range(3, 9):
        labels = KMeans(k, n_init=3, random_state=args.seed).fit(z).labels_
        silhouette = silhouette_score(z, labels, sample_size=min(4000, len(z)), random_state=args.seed)
        print(f"k-means k={k}: silhouette {silhouette:.3f}, ARI {adjusted_rand_score(types, labels):.3f}")
    for name, inputs in (("aggregates above", x), ("aggregates + 18 monthly order and activity counts", history)):
        predicted = cross_val_predict(HistGradientBoostingClassifier(max_iter=300, random_state=args.seed), inputs,
                                      types, cv=5)
        print(f"supervised bound on {name}: accuracy {(predicted == types).mean():.3f}, "
              f"ARI {adjusted_rand_score(types, predicted):.3f}")


if __name__ == "__main__":
    main()
