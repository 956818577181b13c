package dev.lto.action.streams;

/** TEMPORARY until the alerts branch is merged: replaced by the alert engine's active list. */
interface AlertCount {
    long active();
}
