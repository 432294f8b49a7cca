import './nodeUtilShim';
import * as tf from '@tensorflow/tfjs-node';

export { tf };
